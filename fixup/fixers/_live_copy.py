"""Which copy of a duplicated model module the running app uses, and what depends on the other.

Read-only facts for ``duplicate-models`` when two copies of a model module map the same table
with different columns: the evidence that one copy is live (the app's entry points reach it, a
``db/base.py``-style registry or alembic's ``env.py`` imports it, more modules import it), the
names other modules take from a copy, and the uses of columns only a dead copy maps (attribute
reads, constructor keywords, alembic migrations that create them).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from fixup.index import ProjectIndex, absolute_module, dotted

#: Files that start an app when they run or are served.
_ENTRY_NAMES = frozenset({"main.py", "dev_server.py", "wsgi.py", "asgi.py", "app.py"})
#: Stems of modules that import the models to register them on a Base (``db/base.py``).
_REGISTRY_STEMS = frozenset(
    {"base", "base_class", "registry", "model_registry", "all_models", "init_db"}
)


@dataclass
class Evidence:
    """Why one copy counts as live."""

    path: str
    #: Importers the app's entry points load (registries left out): importer -> the entry.
    entry: dict[str, str] = field(default_factory=dict)
    #: Registries that import it: importer -> what kind (the package __init__, alembic env.py).
    registry: dict[str, str] = field(default_factory=dict)
    #: Every importer outside the copies.
    importers: set[str] = field(default_factory=set)

    def describe(self) -> str:
        parts = [
            f"{importer} imports it and {entry} loads that"
            if importer != entry
            else f"{entry} imports it"
            for importer, entry in sorted(self.entry.items())
        ]
        parts += [
            f"{kind} ({importer}) imports it" for importer, kind in sorted(self.registry.items())
        ]
        count = len(self.importers)
        parts.append(f"{count} module{'s import' if count != 1 else ' imports'} it")
        return "; ".join(parts)


@dataclass
class Liveness:
    """The copy the app runs, or None when the evidence does not single one out."""

    live: str | None
    reason: str
    evidence: dict[str, Evidence]
    #: True when the entry points or the registries decided (not the number of importers).
    strong: bool = False

    def describe(self) -> str:
        return " ".join(f"{path}: {e.describe()}." for path, e in sorted(self.evidence.items()))


def entry_points(index: ProjectIndex) -> dict[str, str]:
    """The files that start the project's apps, with why: those the project model found
    started (served by uvicorn or gunicorn, ``flask --app``, ``python -m``, ``python x.py``,
    ``[project.scripts]``, an entry script), and ``main.py`` and its kin. Tests never are."""
    project = index.project
    found = {
        path: how
        for path, how in project.roots.entries.items()
        if path in project.files and not _is_test(path)
    }
    for path in project.python_files():
        if PurePosixPath(path).name in _ENTRY_NAMES and not _is_test(path):
            found.setdefault(path, "an app entry point")
    return found


def _is_test(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return any(p in ("tests", "test") for p in parts[:-1]) or parts[-1].startswith("test_")


def alembic_env(index: ProjectIndex, path: str) -> bool:
    """Is ``path`` an alembic ``env.py``?"""
    if PurePosixPath(path).name != "env.py":
        return False
    text = index.project.files.get(path, "")
    return "alembic" in text or "context.configure" in text


def registry_kind(index: ProjectIndex, importer: str, copy: str) -> str | None:
    """Is ``importer`` a module that imports models to register them, and which kind?"""
    if alembic_env(index, importer):
        return "alembic env.py"
    pure = PurePosixPath(importer)
    if pure.name == "__init__.py" and PurePosixPath(copy).is_relative_to(pure.parent):
        return "the package __init__"
    if pure.stem in _REGISTRY_STEMS:
        return "a registry of the models"
    return None


def decide(index: ProjectIndex, copies: Iterable[str]) -> Liveness:
    """Which of ``copies`` (modules mapping the same tables) the running app uses.

    Strong evidence: the app's entry points load a module that imports the copy (a registry
    that imports every copy says nothing); a registry (the package ``__init__``, a
    ``db/base.py``-style module, alembic's ``env.py``) imports it. When the strong evidence
    points at one copy, that copy is live; when it points two ways, nothing is decided. Without
    strong evidence, the copy more modules import is live.
    """
    copies = sorted(copies)
    project = index.project
    entries = entry_points(index)
    evidence: dict[str, Evidence] = {}
    for copy in copies:
        found = Evidence(copy)
        module = project.module_name(copy)
        importers = index.importers(module) - set(copies) if module else set()
        found.importers = importers
        for importer in sorted(importers):
            kind = registry_kind(index, importer, copy)
            if kind is not None:
                found.registry[importer] = kind
                continue
            loaders = index.loaders(importer)
            entry = next((e for e in sorted(entries) if e in loaders), None)
            if entry is not None:
                found.entry[importer] = entry
        evidence[copy] = found

    def single(chosen: list[str]) -> str | None:
        return chosen[0] if len(chosen) == 1 else None

    by_entry = single([c for c in copies if evidence[c].entry])
    by_registry = single([c for c in copies if evidence[c].registry])
    if by_entry and by_registry and by_entry != by_registry:
        return Liveness(
            None, "the entry points and the registries point at different copies", evidence
        )
    if by_entry:
        importer, entry = sorted(evidence[by_entry].entry.items())[0]
        via = f"{importer}, which {entry} loads," if importer != entry else entry
        return Liveness(
            by_entry, f"the app's entry point reaches it: {via} imports it", evidence, strong=True
        )
    if by_registry:
        importer, kind = sorted(evidence[by_registry].registry.items())[0]
        return Liveness(by_registry, f"{kind} ({importer}) imports it", evidence, strong=True)
    if any(evidence[c].entry or evidence[c].registry for c in copies):
        return Liveness(None, "the app's entry points and registries load every copy", evidence)
    counts = {c: len(evidence[c].importers) for c in copies}
    best = max(counts.values())
    by_count = single([c for c in copies if counts[c] == best])
    if by_count and best:
        others = ", ".join(str(counts[c]) for c in copies if c != by_count)
        return Liveness(by_count, f"more modules import it ({best} against {others})", evidence)
    return Liveness(None, "nothing imports one copy more than the other", evidence)


# -------------------------------------------------------------------- names taken from a module


def names_taken(index: ProjectIndex, module: str, skip: Iterable[str]) -> dict[str, list[str]]:
    """The names each file (but ``skip``) takes from ``module``: ``from module import X``,
    ``module.X`` through an import of the module, and strings such as ``"module.X"``;
    ``*`` for a star import. name -> the files."""
    project = index.project
    skip = set(skip)
    found: dict[str, set[str]] = {}
    string = re.compile(re.escape(module) + r"\.([A-Za-z_]\w*)")
    parent, _, leaf = module.rpartition(".")
    for path in project.python_files():
        if path in skip or not path.endswith(".py"):
            continue
        text = project.files[path]
        if leaf not in text:
            continue
        facts = index.facts(path)
        package = project.package_of(path)
        aliases = {local: target for local, target in facts.imports.module_aliases.items()}
        for level, source, name, asname, _ in facts.imports.from_imports:
            absolute = absolute_module(package, level, source)
            if absolute == module:
                found.setdefault(name, set()).add(path)
            elif absolute == parent and name == leaf:
                aliases[asname or name] = module
        for chain, _ in facts.imports.attribute_reads:
            root, _, rest = chain.partition(".")
            if root in aliases and rest:
                full = f"{aliases[root]}.{rest}"
                if full.startswith(module + "."):
                    found.setdefault(full[len(module) + 1 :].split(".")[0], set()).add(path)
        for match in string.finditer(text):
            found.setdefault(match.group(1), set()).add(path)
    return {name: sorted(paths) for name, paths in sorted(found.items())}


def names_used(statement: ast.stmt) -> set[str]:
    """The names a top-level statement reads (for moving what it needs with it)."""
    return {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}


# -------------------------------------------------------------------- uses of dropped attributes


def attribute_uses(
    index: ProjectIndex, classes: Iterable[str], attributes: Iterable[str], skip: Iterable[str]
) -> list[tuple[str, int, str, str]]:
    """Reads of ``attributes`` in the files (but ``skip``) that name one of ``classes``:
    ``obj.attr`` on any object (an instance of the model cannot be told from another),
    ``Model(attr=...)``, ``Model.attr``, as (path, line, attribute, what the code does). Alembic
    migrations are left to ``migration_columns``."""
    classes, attributes, skip = set(classes), set(attributes), set(skip)
    uses: list[tuple[str, int, str, str]] = []
    project = index.project
    for path in project.python_files():
        if path in skip or not path.endswith(".py") or _in_migrations(path):
            continue
        text = project.files[path]
        if not any(name in text for name in classes) or index.facts(path).syntax_error:
            continue
        tree = ast.parse(text)
        if not any(isinstance(n, ast.Name) and n.id in classes for n in ast.walk(tree)):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in attributes:
                uses.append((path, node.lineno, node.attr, f"reads `.{node.attr}`"))
            elif isinstance(node, ast.Call):
                called = dotted(node.func) or ""
                if called.rpartition(".")[2] in classes:
                    for keyword in node.keywords:
                        if keyword.arg in attributes:
                            what = f"passes `{called}({keyword.arg}=...)`"
                            uses.append((path, node.lineno, keyword.arg, what))
    return sorted(set(uses))


def _in_migrations(path: str) -> bool:
    return "versions" in PurePosixPath(path).parts[:-1]


def migration_columns(index: ProjectIndex) -> dict[str, dict[str, tuple[str, int]]]:
    """Tables and columns alembic migrations create in ``upgrade()`` (``op.create_table``,
    ``op.add_column``, ``batch_op.add_column``), less those they drop: table -> column -> where."""
    created: dict[str, dict[str, tuple[str, int]]] = {}
    dropped: set[tuple[str, str]] = set()
    project = index.project
    for path in sorted(project.python_files()):
        text = project.files[path]
        if not _in_migrations(path) or "op." not in text or index.facts(path).syntax_error:
            continue
        for function in ast.parse(text).body:
            if isinstance(function, ast.FunctionDef) and function.name == "upgrade":
                for table, column, line, create in _operations(function):
                    if create:
                        created.setdefault(table, {}).setdefault(column, (path, line))
                    else:
                        dropped.add((table, column))
    for table, column in dropped:
        created.get(table, {}).pop(column, None)
    return created


def _operations(function: ast.FunctionDef) -> Iterator[tuple[str, str, int, bool]]:
    """(table, column, line, created?) for each column operation in ``function``."""
    batches: dict[str, str] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.With):
            for item in node.items:
                call = item.context_expr
                if (
                    isinstance(call, ast.Call)
                    and (dotted(call.func) or "").endswith("batch_alter_table")
                    and isinstance(item.optional_vars, ast.Name)
                    and _text(call.args[:1]) is not None
                ):
                    batches[item.optional_vars.id] = _text(call.args[:1]) or ""
    for node in ast.walk(function):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner, operation = dotted(node.func.value) or "", node.func.attr
        args = list(node.args)
        table = batches.get(owner) if owner in batches else _text(args[:1])
        if owner in batches:
            args = [ast.Constant(table), *args]
        if table is None:
            continue
        if operation == "create_table":
            for arg in args[1:]:
                column = _column_name(arg)
                if column is not None:
                    yield table, column, node.lineno, True
        elif operation == "add_column" and len(args) > 1:
            column = _column_name(args[1])
            if column is not None:
                yield table, column, node.lineno, True
        elif operation == "drop_column" and len(args) > 1:
            column = _text(args[1:2])
            if column is not None:
                yield table, column, node.lineno, False


def _text(args: list[ast.expr]) -> str | None:
    if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
        return args[0].value
    return None


def _column_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call) and (dotted(node.func) or "").endswith("Column"):
        return _text(list(node.args[:1]))
    return None

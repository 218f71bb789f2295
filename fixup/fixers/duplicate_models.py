"""Collapse duplicate model modules into one and rewrite every importer.

## What it does

Finds model modules that duplicate each other (seed 004: ``models/action.py`` next to
``models/actions.py``, ``rule.py`` next to ``rules.py``, ..., and SQLAlchemy refusing to start
with *Table 'agents' is already defined for this MetaData instance*):

- sibling modules whose names differ only by singular/plural or a suffix such as ``_old``,
  ``_v2``, ``_copy``, and that define a class of the same name or map the same table
  (SQLAlchemy ``Column`` or ``mapped_column``/``Mapped[...]`` classes, SQLModel ``table=True``,
  Pydantic models);
- a sibling module whose name starts with the same word and whose tables are all mapped again
  by the other (``playbook_execution.py`` next to ``playbooks.py``: a near copy), whatever
  ``Base`` each copy subclasses; a copy whose ``Base`` comes from a module that no longer exists
  is dead code, and is still collapsed (the fix says so).

For each group it keeps one canonical module and says why, in this order: the one the package
``__init__`` imports from, the more complete definition (a superset of tables, columns,
relationships), the one more modules import, the plural name, the one without a stale suffix.
Definitions only in the duplicate move into the canonical module with the imports they need;
for a class in both, the canonical class stays and the columns or relationships only the
duplicate has are added to it. Every importer is rewritten (``from pkg.models.action import
Action``, ``from pkg.models import action`` and its uses, ``import pkg.models.action as a``,
relative imports, strings such as ``relationship("pkg.models.action.Action")`` or
``mock.patch(...)``, the package ``__init__``), the duplicate file is deleted, and
``"extend_existing": True`` is removed from ``__table_args__`` of the tables it only hid.
One fix per collapsed group, all or nothing. Afterwards, ``back_populates`` pairs of the
merged models are checked, and a side naming a missing attribute is reported.

**Copies that differ** (a column defined differently, different ``__table_args__``, columns
only one copy maps while the app's entry points or registries single out the other, or no rule
above picks one) are not merged: the copy the running app uses stays as it is and the others
are deleted, since deleting a copy the app never runs changes nothing but the crash. The live
copy is the one the app's entry points reach (``main.py``, ``app.py``, ``wsgi.py``/``asgi.py``,
a module a ``uvicorn``/``gunicorn`` command serves) through a module other than a registry;
else the one a registry imports (the package ``__init__``, a ``db/base.py``-style module,
alembic's ``env.py``); else the one more modules import. Evidence that points two ways decides
nothing. Names other modules take from the dead copy and only it defines (an enum, a helper, a
constant, with what they need) move into the live copy; every importer is rewritten (legacy
routers and tests included); ``extend_existing`` goes from the kept classes. The explanation
lists the columns only the dead copy maps and those it defines differently. The fix is unsafe
(applied with ``--unsafe-fixes`` only, each dependency reported with file and line) when
something depends on such a column: code that reads ``.column``, passes ``Model(column=...)``,
or an alembic migration (``versions/*.py``) that creates it. Two modules in different folders of
one package that map the same table on the same ``Base`` and load in one process
(``auth/models.py`` and ``models/user.py`` both mapping ``users``) are handled the same way.

## What it won't touch

- Copies that never meet in one process or metadata (separate apps, standalone scripts,
  tutorial steps, one copy on another ``Base`` in another package).
- Copies that differ when the evidence does not single out the copy the app runs: both are
  reported with the evidence for each, and what the user can do.
- A name other modules take from the dead copy that the live copy defines differently (a
  helper, an enum), or lacks and cannot get; a star import of the dead copy; a live copy that
  refers to the dead one other than by a top-level ``from`` import: reported, and the group is
  left alone. (Names the live copy imports from the dead one move in, above its classes.)
- A reference it cannot rewrite safely (a module object passed around, an escaped string):
  reported and left alone.
- Sibling modules such as ``action.py`` and ``actions.py`` that define different things.

## Example

```diff
 # src/opmas_mgmt_api/models/__init__.py
-from .action import Action
 from .actions import Action
# src/opmas_mgmt_api/services/action_service.py
-from opmas_mgmt_api.models.action import Action
+from opmas_mgmt_api.models.actions import Action
# src/opmas_mgmt_api/models/action.py: deleted
# src/opmas_mgmt_api/models/actions.py
 class Action(Base):
     __tablename__ = "actions"
-    __table_args__ = {"extend_existing": True}
```

## References

- SQLAlchemy, ``Table.extend_existing`` is for reflection, not for hiding a second class:
  https://docs.sqlalchemy.org/en/20/core/metadata.html#sqlalchemy.schema.Table.params.extend_existing
- SQLAlchemy error *Table 'x' is already defined for this MetaData instance*:
  https://docs.sqlalchemy.org/en/20/errors.html
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import libcst as cst

from fixup.codemods.merge_definitions import MergePlan, merge, needed_imports
from fixup.codemods.nodes import code
from fixup.codemods.rewrite_imports import ModuleMove, RewriteError, mentions, rewrite_references
from fixup.codemods.sqlalchemy_models import (
    ModelClass,
    ModuleModels,
    drop_extend_existing,
    has_extend_existing,
    read_models,
    table_args,
)
from fixup.fix import Diagnostic, FileChange, Fix, Plan, Provenance
from fixup.fixers import FixerContext
from fixup.fixers._live_copy import (
    attribute_uses,
    decide,
    migration_columns,
    names_taken,
    names_used,
)
from fixup.index import ClassFacts, ProjectIndex, absolute_module
from fixup.project import Project, parse_module

ORDER = 20
NAME = __name__.rpartition(".")[2].replace("_", "-")

#: Suffixes that mark a copy; the first group marks a stale one.
_STALE_SUFFIX = re.compile(r"_(old|copy|bak|backup|orig|legacy)$")
_VERSION_SUFFIX = re.compile(r"_(v\d+|new|\d+)$")


class _Conflict(Exception):
    """A group that cannot be collapsed safely; carries where and why."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line


@dataclass
class _Models:
    """The models of the project's modules, read lazily from one snapshot."""

    project: Project
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _cache: dict[str, ModuleModels | None] = field(default_factory=dict)

    def get(self, path: str) -> ModuleModels | None:
        if path not in self._cache:
            try:
                self._cache[path] = read_models(self.project.parse(path), self.project.files[path])
            except cst.ParserSyntaxError as exc:
                self.diagnostics.append(
                    Diagnostic(
                        f"syntax error, file skipped: {exc.message}",
                        path=path,
                        line=exc.raw_line,
                        fixer=NAME,
                        severity="error",
                    )
                )
                self._cache[path] = None
        return self._cache[path]


# -------------------------------------------------------------------- names


def _base_stem(stem: str) -> str:
    return _VERSION_SUFFIX.sub("", _STALE_SUFFIX.sub("", stem))


def _same_word(first: str, second: str) -> bool:
    """``action``/``actions``, ``hero``/``heroes``, ``policy``/``policies``, ``user``/``user_old``."""
    a, b = sorted((_base_stem(first), _base_stem(second)), key=len)
    return b in (a, a + "s", a + "es") or (a.endswith("y") and b == a[:-1] + "ies")


def _is_plural(stem: str) -> bool:
    base = _base_stem(stem)
    return base.endswith("s") and not base.endswith("ss")


def _stem(path: str) -> str:
    return path.rpartition("/")[2].removesuffix(".py")


def _folder(path: str) -> str:
    return path.rpartition("/")[0] or "."


# -------------------------------------------------------------------- detection


def _model_paths(index: ProjectIndex) -> list[str]:
    """Modules (not package __init__ files) with a top-level class (or that may have one:
    a file that does not parse is reported when it looks like a sibling's copy)."""
    project = index.project
    return sorted(
        p
        for p in index.paths()
        if p.endswith(".py")
        and p.rpartition("/")[2] != "__init__.py"
        and (index.classes(p) or (index.facts(p).syntax_error and "class " in project.files[p]))
        and project.module_name(p) is not None
    )


def _table_paths(index: ProjectIndex) -> list[str]:
    """Modules with a class that maps a table: what a mapping module has and a module that
    merely mentions ``__tablename__`` (an ORM's own internals) has not."""
    tables = set(index.table_paths())
    return [p for p in _model_paths(index) if p in tables]


class _Linked:
    """Modules joined pair by pair (a union-find): the groups are what the pairs connect."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def _find(self, path: str) -> str:
        while self._parent.get(path, path) != path:
            path = self._parent[path]
        return path

    def join(self, first: str, second: str) -> None:
        self._parent[self._find(second)] = self._find(first)
        self._parent.setdefault(first, first)

    def groups(self) -> list[list[str]]:
        groups: dict[str, list[str]] = {}
        for path in self._parent:
            groups.setdefault(self._find(path), []).append(path)
        return sorted((sorted(g) for g in groups.values() if len(g) > 1), key=lambda g: g[0])


def _groups(index: ProjectIndex, out: Plan) -> list[list[str]]:
    """Sibling modules that duplicate each other, as groups (union of duplicate pairs)."""
    by_folder: dict[str, list[str]] = {}
    for path in _model_paths(index):
        by_folder.setdefault(_folder(path), []).append(path)
    linked = _Linked()
    tables = set(_table_paths(index))
    reported: set[str] = set()
    for paths in by_folder.values():
        for i, first in enumerate(paths):
            for second in paths[i + 1 :]:
                if _may_meet(index, first, second) and _duplicates(
                    first, second, index, tables, out, reported
                ):
                    linked.join(first, second)
    return linked.groups()


def _may_meet(index: ProjectIndex, first: str, second: str) -> bool:
    """Can two model modules meet in one metadata? Yes when some file loads both; or when they
    sit side by side in one package and the app loads one of them but nothing loads the other
    (a dead copy beside the live one). Standalone scripts, tutorial steps that separate tests
    load one each, and apps that never import each other never meet: their tables are not
    duplicates of each other."""
    if index.share_a_process(first, second):
        return True
    folder = PurePosixPath(first).parent
    return (
        folder == PurePosixPath(second).parent
        and f"{folder}/__init__.py" in index.project.files
        # one copy is loaded and the other is loaded by nothing: the dead one beside it
        and index.imported_by_others(first) != index.imported_by_others(second)
    )


def _duplicates(
    first: str, second: str, index: ProjectIndex, tables: set[str], out: Plan, reported: set[str]
) -> bool:
    same_name = _same_word(_stem(first), _stem(second))
    # Only modules whose names are related are compared. A near copy maps tables, so both
    # modules must look like they do.
    if not same_name and not (
        _same_word(_stem(first).split("_")[0], _stem(second).split("_")[0])
        and first in tables
        and second in tables
    ):
        return False
    for path in (first, second):
        error = index.facts(path).syntax_error
        if error is not None:
            if path not in reported:
                reported.add(path)
                out.diagnostics.append(
                    Diagnostic(
                        f"syntax error, file skipped: {error[0]}",
                        path=path,
                        line=error[1],
                        fixer=NAME,
                        severity="error",
                    )
                )
            return False
    a, b = index.classes(first), index.classes(second)
    a_tables = {c.table for c in a if c.table is not None}
    b_tables = {c.table for c in b if c.table is not None}
    if same_name:
        return bool({c.name for c in a} & {c.name for c in b} or a_tables & b_tables)
    # A near copy (playbook_execution.py next to playbooks.py): the names start with the same
    # word, and every table one module maps is mapped again by the other.
    smaller, larger = sorted((a_tables, b_tables), key=len)
    return bool(smaller) and smaller <= larger


# -------------------------------------------------------------------- choosing


def _members(cls: ModelClass) -> set[str]:
    return set(cls.members)


def _choose(index: ProjectIndex, group: list[str], models: _Models) -> tuple[str, str] | None:
    """The canonical module of a group and why, or None when no rule decides."""
    project = index.project
    modules = {p: project.module_name(p) or "" for p in group}
    candidates = list(group)

    def narrow(chosen: list[str]) -> bool:
        nonlocal candidates
        if chosen and len(chosen) < len(candidates):
            candidates = chosen
        return len(candidates) == 1

    init = f"{_folder(group[0])}/__init__.py"
    exported = set()
    if init in project.files:
        importers = {p for p in candidates if init in index.importers(modules[p])}
        exported = importers
    if narrow([p for p in candidates if p in exported]):
        others = ", ".join(_stem(p) + ".py" for p in group if p not in exported)
        return candidates[
            0
        ], f"the package __init__ imports from it{f' (and not from {others})' if others else ''}"

    complete = [p for p in candidates if all(_superset(models, p, q) for q in candidates if q != p)]
    if narrow(complete):
        return (
            candidates[0],
            "its definitions are the more complete ones (a superset of the other copy's tables and columns)",
        )

    counts = {p: len(index.importers(modules[p]) - set(group)) for p in candidates}
    best = max(counts.values())
    if narrow([p for p in candidates if counts[p] == best]):
        against = ", ".join(str(counts[p]) for p in group if p != candidates[0] and p in counts)
        return candidates[0], f"more modules import it ({best} against {against})"

    if narrow([p for p in candidates if _is_plural(_stem(p))]):
        return candidates[0], "its name is the plural one, by convention for a module of models"

    if narrow([p for p in candidates if not _STALE_SUFFIX.search(_stem(p))]):
        return candidates[0], "the other copy's name marks it as stale"
    return None


def _adds_columns(models: _Models, group: list[str], canonical: str) -> bool:
    """Would collapsing ``group`` into ``canonical`` add members to one of its mapped classes?"""
    kept = models.get(canonical)
    if kept is None:
        return False
    for path in group:
        copy = models.get(path)
        if path == canonical or copy is None:
            continue
        for table, cls in copy.tables.items():
            mine = kept.tables.get(table)
            if mine is not None and set(cls.members) - set(mine.members):
                return True
    return False


def _superset(models: _Models, first: str, second: str) -> bool:
    """``first`` defines everything ``second`` does, and more."""
    a, b = models.get(first), models.get(second)
    if a is None or b is None:
        return False
    if not set(b.tables) <= set(a.tables) or not set(b.classes) <= set(a.classes):
        return False
    strictly = set(a.tables) > set(b.tables) or set(a.classes) > set(b.classes)
    for name, cls in b.classes.items():
        mine = _members(a.classes[name])
        if not _members(cls) <= mine:
            return False
        strictly = strictly or mine > _members(cls)
    return strictly


# -------------------------------------------------------------------- planning one group


@dataclass
class _Collapse:
    canonical: str
    duplicate: str
    moved: list[str] = field(default_factory=list)
    merged: dict[str, list[str]] = field(default_factory=dict)
    elsewhere: dict[str, str] = field(default_factory=dict)
    dead: str | None = None
    #: How the shared tables' classes resolve their Base: (table, the copy's base, the kept one's).
    bases: list[tuple[str, str, str]] = field(default_factory=list)


def _plan_group(
    project: Project,
    group: list[str],
    canonical: str,
    reason: str,
    tables_elsewhere: dict[str, tuple[str, ModelClass]],
) -> Fix:
    """The fix collapsing every other module of ``group`` into ``canonical``; raises _Conflict."""
    models = _Models(project)
    canonical_module = project.module_name(canonical)
    assert canonical_module is not None
    texts: dict[str, str | None] = {}
    tree = project.parse(canonical)
    collapses: list[_Collapse] = []
    hidden_tables: set[str] = set()
    for duplicate in (p for p in group if p != canonical):
        current = read_models(tree)
        source = models.get(duplicate)
        if source is None:
            raise _Conflict("it cannot be parsed", duplicate)
        collapse = _Collapse(canonical, duplicate)
        plan = _compare(project, duplicate, source, current, canonical, collapse, tables_elsewhere)
        hidden_tables |= set(source.tables)
        collapse.dead = _dead_import(project, duplicate, source)
        for table, copy in sorted(source.tables.items()):
            kept = current.tables.get(table)
            if kept is not None and copy.bases and kept.bases:
                copy_base = _resolve_name(project, duplicate, copy.bases[0])
                kept_base = _resolve_name(project, canonical, kept.bases[0])
                collapse.bases.append((table, copy_base, kept_base))
        imports = needed_imports(
            [source.definitions[n].statement for n in plan.definitions]
            + [s for statements in plan.members.values() for _, s in statements],
            source,
            current,
            _names_module(project.package_of(duplicate), canonical_module),
        )
        tree = merge(tree, project.parse(duplicate), plan, imports, _first_party(project))
        collapses.append(collapse)
        texts[duplicate] = None
    texts[canonical] = tree.code

    # Every importer, the canonical module and the package __init__ included.
    rewritten: set[str] = set()
    for collapse in collapses:
        old = project.module_name(collapse.duplicate)
        assert old is not None
        rewritten |= _rewrite_importers(
            project, texts, ModuleMove(old, canonical_module, dict(collapse.elsewhere))
        )

    # extend_existing only hid the second mapping of these tables: it can go now.
    unhidden: list[str] = []
    targets = {canonical} | {tables_elsewhere[t][0] for t in hidden_tables if t in tables_elsewhere}
    for path in sorted(targets):
        text = texts.get(path, project.files[path])
        assert text is not None
        new_tree, names = _drop_hiding(parse_module(text), hidden_tables)
        if names:
            texts[path] = new_tree.code
            unhidden += names

    changes = []
    for path in sorted(texts, key=lambda p: (texts[p] is None, p)):
        after = texts[path]
        before = project.files[path]
        if after == before:
            continue
        if after is not None:
            parse_module(after)  # the output always parses
        changes.append(FileChange(path, before, after))
    return _make_fix(
        canonical, reason, collapses, changes, unhidden, sorted(rewritten - {canonical})
    )


def _rewrite_importers(
    project: Project, texts: dict[str, str | None], move: ModuleMove
) -> set[str]:
    """Rewrite every reference to ``move.old`` in the project (``texts`` holds the new texts,
    None for a deleted file); the files changed. Raises _Conflict."""
    rewritten = set()
    for path in project.python_files():
        if path in texts and texts[path] is None:
            continue
        text = texts.get(path, project.files[path])
        assert text is not None
        if not mentions(text, move):
            continue
        try:
            new = rewrite_references(parse_module(text), project.package_of(path), move).code
        except RewriteError as exc:
            raise _Conflict(f"cannot rewrite a reference to {move.old}: {exc}", path) from exc
        except cst.ParserSyntaxError as exc:
            raise _Conflict(f"syntax error: {exc.message}", path, exc.raw_line) from exc
        if new != text:
            texts[path] = new
            rewritten.add(path)
    return rewritten


def _compare(
    project: Project,
    duplicate: str,
    source: ModuleModels,
    current: ModuleModels,
    canonical: str,
    collapse: _Collapse,
    tables_elsewhere: dict[str, tuple[str, ModelClass]],
) -> MergePlan:
    """What moves from ``source`` (the duplicate) into the canonical module; raises _Conflict."""
    definitions: list[str] = []
    members: dict[str, list[tuple[str | None, cst.BaseStatement]]] = {}
    by_table = current.tables
    for name, definition in source.definitions.items():
        cls = source.classes.get(name)
        if name in current.definitions:
            mine = current.classes.get(name)
            if cls is not None and mine is not None:
                extra = _merge_class(duplicate, cls, mine, canonical)
                if extra:
                    members[name] = _anchored(cls, extra)
                    collapse.merged[name] = extra
            elif current.definitions[name].fingerprint != definition.fingerprint:
                raise _Conflict(
                    f"`{name}` is defined differently here and in {canonical}",
                    duplicate,
                    definition.line,
                )
            continue
        if cls is not None and cls.table is not None:
            if cls.table in by_table:
                other = by_table[cls.table]
                raise _Conflict(
                    f"table {cls.table!r} is mapped by `{name}` here and by `{other.name}` in {canonical}:{other.line}",
                    duplicate,
                    cls.line,
                )
            if cls.table in tables_elsewhere:
                path, other = tables_elsewhere[cls.table]
                if other.name != name:
                    raise _Conflict(
                        f"table {cls.table!r} is mapped by `{name}` here and by `{other.name}` in {path}:{other.line}",
                        duplicate,
                        cls.line,
                    )
                _merge_class(duplicate, cls, other, path, allow_extra=False)
                module = project.module_name(path)
                assert module is not None
                collapse.elsewhere[name] = module
                continue
        definitions.append(name)
    collapse.moved = definitions
    return MergePlan(definitions, members)


def _anchored(copy: ModelClass, extra: list[str]) -> list[tuple[str | None, cst.BaseStatement]]:
    """Each extra member with the member it follows in the copy, so it lands in the same place."""
    anchored: list[tuple[str | None, cst.BaseStatement]] = []
    previous: str | None = None
    for name, member in copy.members.items():
        if name in extra:
            anchored.append((previous, member.statement))
        previous = name
    return anchored


def _table(cls: ModelClass) -> str:
    return f"table {cls.table!r}" if cls.table is not None else "no table"


def _merge_class(
    duplicate: str, copy: ModelClass, kept: ModelClass, kept_path: str, allow_extra: bool = True
) -> list[str]:
    """The members ``copy`` adds to ``kept``; raises _Conflict when they disagree."""
    if copy.table != kept.table:
        raise _Conflict(
            f"`{copy.name}` maps {_table(copy)} here and {_table(kept)} in {kept_path}:{kept.line}",
            duplicate,
            copy.line,
        )
    if table_args(copy.node) not in (None, table_args(kept.node)):
        raise _Conflict(
            f"`{copy.name}.__table_args__` differs from the one in {kept_path}:{kept.line}",
            duplicate,
            copy.line,
        )
    extra = []
    for name, member in copy.members.items():
        other = kept.members.get(name)
        if other is None:
            extra.append(name)
        elif other.fingerprint != member.fingerprint:
            raise _Conflict(
                f"`{copy.name}.{name}` is defined differently here and in {kept_path}:{other.line}; "
                "merge it by hand",
                duplicate,
                member.line,
            )
    if extra and not allow_extra:
        raise _Conflict(
            f"`{copy.name}` has {', '.join(extra)} that {kept_path}:{kept.line} lacks",
            duplicate,
            copy.line,
        )
    return extra


def _names_module(package: str | None, module: str) -> Callable[[str], bool]:
    """Does an import written in ``package`` (``.actions``, ``pkg.models.actions``) name ``module``?"""
    return lambda written: _absolute(package, written) == module


def _absolute(package: str | None, written: str) -> str | None:
    """``written`` (``.base``, ``..models.base``, ``pkg.base``) as an absolute module name."""
    bare = written.lstrip(".")
    return absolute_module(package, len(written) - len(bare), bare or None)


def _first_party(project: Project) -> frozenset[str]:
    return frozenset(name for name in project.modules() if "." not in name)


def _resolve_name(project: Project, path: str, name: str, depth: int = 0) -> str:
    """Where a name used in ``path`` is defined, following imports (``pkg.models.base.Base``)."""
    module = project.module_name(path) or path
    head, _, rest = name.partition(".")
    try:
        models = read_models(project.parse(path))
    except cst.ParserSyntaxError:
        return f"{module}.{name}"
    imported = models.imports.get(head)
    if head in models.definitions or imported is None or depth > 8:
        return f"{module}.{name}"
    source = _absolute(project.package_of(path), imported.module) or imported.module
    if imported.name is None:  # import pkg.base as b; b.Base
        return f"{source}.{rest}" if rest else source
    target = project.resolve(source)
    if target is None:
        return f"{source}.{imported.name}" + (f".{rest}" if rest else "")
    return _resolve_name(project, target, imported.name + (f".{rest}" if rest else ""), depth + 1)


def _dead_import(project: Project, path: str, models: ModuleModels) -> str | None:
    """A project module the file imports that no longer exists (the copy cannot be imported)."""
    package = project.package_of(path)
    for imported in models.imports.values():
        module = _absolute(package, imported.module)
        if module is None or project.module_exists(module):
            continue
        if imported.name is not None and project.module_exists(f"{module}.{imported.name}"):
            continue
        if project.module_exists(module.split(".")[0]):
            return module
    return None


def _drop_hiding(tree: cst.Module, tables: set[str]) -> tuple[cst.Module, list[str]]:
    """Remove extend_existing from the top-level classes mapping ``tables``."""
    names = []
    body = []
    models = read_models(tree)
    for statement in tree.body:
        if isinstance(statement, cst.ClassDef):
            cls = models.classes.get(statement.name.value)
            if cls is not None and cls.table in tables and has_extend_existing(statement):
                statement = drop_extend_existing(statement)
                names.append(cls.name)
        body.append(statement)
    return (tree.with_changes(body=body), names) if names else (tree, [])


def _make_fix(
    canonical: str,
    reason: str,
    collapses: list[_Collapse],
    changes: list[FileChange],
    unhidden: list[str],
    importers: list[str],
) -> Fix:
    duplicates = [c.duplicate for c in collapses]
    parts = [f"{', '.join(duplicates)} duplicated {canonical}; kept {canonical} because {reason}."]
    for collapse in collapses:
        if collapse.moved:
            parts.append(
                f"Moved {', '.join(collapse.moved)} from {collapse.duplicate} (defined only there)."
            )
        for name, extra in collapse.merged.items():
            parts.append(
                f"Added {', '.join(extra)} to {name} from the copy in {collapse.duplicate}."
            )
        for name, module in collapse.elsewhere.items():
            parts.append(
                f"{collapse.duplicate}'s copy of {name} is dropped: {module} maps the same table."
            )
        same = sorted({t for t, copy_base, kept_base in collapse.bases if copy_base == kept_base})
        if same:
            base = next(b for t, b, _ in collapse.bases if t == same[0])
            listed = ", ".join(repr(t) for t in same)
            parts.append(
                f"Both copies map {listed} on the same Base ({base}), so importing both fails with "
                f'"Table {same[0]!r} is already defined for this MetaData instance".'
            )
        for table, copy_base, kept_base in collapse.bases:
            if copy_base != kept_base:
                parts.append(f"The copy maps {table!r} on {copy_base}, {canonical} on {kept_base}.")
        if collapse.dead:
            parts.append(
                f"{collapse.duplicate} was dead code: it imports {collapse.dead}, which no longer exists."
            )
    if unhidden:
        parts.append(
            f"Removed `extend_existing` from {', '.join(unhidden)}: it only hid the second mapping."
        )
    if importers:
        parts.append(f"Rewrote the imports in {len(importers)} file{'s' * (len(importers) != 1)}.")
    names = " and ".join(duplicates)
    return Fix(
        fixer=NAME,
        title=f"Collapse {names} into {canonical}",
        explanation=" ".join(parts),
        changes=tuple(changes),
        provenance=tuple(Provenance(f"duplicate of {canonical}", path=d) for d in duplicates),
    )


# -------------------------------------------------------------------- checks after the fixes


def _tables_by_tree(index: ProjectIndex) -> dict[tuple[str, str], list[tuple[str, ClassFacts]]]:
    """(top-level package, table) -> every class that maps it."""
    found: dict[tuple[str, str], list[tuple[str, ClassFacts]]] = {}
    for path in _table_paths(index):
        module = index.project.module_name(path)
        if module is None or index.facts(path).syntax_error:
            continue
        for cls in index.classes(path):
            if cls.table is not None:
                found.setdefault((module.split(".")[0], cls.table), []).append((path, cls))
    return found


def _back_populates(index: ProjectIndex, touched: Iterable[str]) -> list[Diagnostic]:
    """Relationships from or to the merged models whose back_populates names a missing attribute."""
    touched = set(touched)
    defined: dict[str, list[tuple[str, ClassFacts]]] = {}
    for path in sorted(set(_table_paths(index)) | (touched & set(index.paths()))):
        for cls in index.classes(path):
            defined.setdefault(cls.name, []).append((path, cls))
    diagnostics = []
    for entries in defined.values():
        for path, cls in entries:
            for member in cls.members:
                if member.kind != "relationship" or not member.back_populates or not member.target:
                    continue
                targets = defined.get(member.target.rpartition(".")[2], [])
                if len(targets) != 1 or (path not in touched and targets[0][0] not in touched):
                    continue
                target = targets[0][1]
                if member.back_populates not in target.body_names:
                    diagnostics.append(
                        Diagnostic(
                            f"`{cls.name}.{member.name}` has back_populates={member.back_populates!r}, "
                            f"but `{target.name}` has no attribute {member.back_populates!r}",
                            path=path,
                            line=member.line,
                            fixer=NAME,
                        )
                    )
    return sorted(diagnostics, key=lambda d: (d.path or "", d.line or 0))


# -------------------------------------------------------------------- the fixer


def plan(ctx: FixerContext) -> Iterator[Fix | Diagnostic]:
    """Yield each group's fix before planning the next: a later group is planned on
    ``ctx.project``, which holds every fix the pipeline accepted so far."""
    out = Plan()
    groups = _groups(ctx.index, out)
    yield from out.diagnostics
    touched: list[str] = []
    for group in groups:
        project = ctx.project
        models = _Models(project)  # earlier fixes may have rewritten these files
        index = ctx.index.for_project(project)
        choice = _choose(index, group, models)
        if choice is None:
            # The same copies, and no rule picks one: the one the app runs stays.
            why = (
                "no rule picks the one to keep (package __init__, completeness, importers, "
                "plural name)"
            )
            yield from _keep_live_and_note(index, group, why, touched)
            continue
        canonical, reason = choice
        if _adds_columns(models, group, canonical) and decide(index, group).strong:
            # A merge would add columns to the model the app runs: keep that copy as it is.
            why = "the copies map different columns"
            yield from _keep_live_and_note(index, group, why, touched)
            continue
        top = (project.module_name(canonical) or "").split(".")[0]
        elsewhere = {}
        for (package, table), entries in _tables_by_tree(index).items():
            outside = [e for e in entries if e[0] not in group]
            found = models.get(outside[0][0]) if package == top and len(outside) == 1 else None
            if found is not None and outside[0][1].name in found.classes:
                elsewhere[table] = (outside[0][0], found.classes[outside[0][1].name])
        try:
            fix = _plan_group(project, group, canonical, reason, elsewhere)
        except _Conflict as exc:
            # The copies differ: no merge, but the copy the app runs stays and the other goes.
            where = f"{exc.path}:{exc.line}: " if exc.path and exc.line else ""
            why = f"the copies differ: {where}{str(exc).removesuffix('; merge it by hand')}"
            yield from _keep_live_and_note(index, group, why, touched)
            continue
        yield fix
        touched += [canonical, *(c.path for c in fix.changes if c.after is not None)]
    handled = {path for group in groups for path in group}
    index = ctx.index.for_project(ctx.project)
    for group in _cross_groups(index, handled):
        index = ctx.index.for_project(ctx.project)
        if not all(path in index for path in group):
            continue
        yield from _keep_live_and_note(index, group, "one copy in each of two packages", touched)
    index = ctx.index
    yield from _back_populates(index, dict.fromkeys(touched))
    yield from _still_duplicated(index)


def _still_duplicated(index: ProjectIndex) -> list[Diagnostic]:
    """Tables still mapped twice in one package tree (in different folders, or left alone)."""
    diagnostics = []
    for (_, table), all_entries in sorted(_tables_by_tree(index).items()):
        # Only copies that can be loaded together clash (not two standalone scripts).
        entries = [
            (path, cls)
            for path, cls in all_entries
            if any(other != path and _may_meet(index, path, other) for other, _ in all_entries)
        ]
        paths = {path for path, _ in entries}
        if len(paths) < 2:
            continue
        shown = [f"{path}:{cls.line} ({cls.name})" for path, cls in entries[:3]]
        more = f" and {len(entries) - 3} more" if len(entries) > 3 else ""
        where = " and ".join(shown) + more
        diagnostics.append(
            Diagnostic(
                f"table {table!r} is mapped more than once: {where}; keep one and import it everywhere",
                path=entries[0][0],
                line=entries[0][1].line,
                fixer=NAME,
            )
        )
    return diagnostics


# -------------------------------------------------------------------- copies that differ: keep the live one


@dataclass
class _DeadCopy:
    """What deleting one dead copy drops, moves and breaks."""

    path: str
    moved: list[str] = field(default_factory=list)
    #: ``Class.attr`` the dead copy maps and the live class lacks.
    dropped: list[str] = field(default_factory=list)
    #: ``Class.attr`` both copies define, differently (the live definition stays).
    differing: list[str] = field(default_factory=list)
    #: Top-level names only the dead copy defines and nothing uses.
    unused: list[str] = field(default_factory=list)
    #: (table, the dead copy's Base, the live copy's) where they differ.
    bases: list[tuple[str, str, str]] = field(default_factory=list)


def _keep_live(index: ProjectIndex, group: list[str], why: str) -> Iterator[Fix | Diagnostic]:
    """Keep the copy of ``group`` the running app uses and delete the others, or report the
    group with the evidence when it does not single out one copy. ``why`` says how the copies
    differ (or why the ordinary rules did not collapse them)."""
    liveness = decide(index, group)
    names = " and ".join(group)
    if liveness.live is None:
        yield Diagnostic(
            f"{names} duplicate each other but were left alone: {why}; and the evidence does not "
            f"single out the copy the app runs ({liveness.reason}). {liveness.describe()} "
            "Keep the copy the app uses, import it everywhere and delete the other; once only "
            "one copy is imported by the app, fixup does the rest",
            path=group[0],
            fixer=NAME,
        )
        return
    live = liveness.live
    try:
        fix, dependencies = _plan_live(index, group, live, liveness.reason, why)
    except _Conflict as exc:
        yield Diagnostic(
            f"{names} duplicate each other; {live} is the copy the app runs "
            f"({liveness.reason}), but they were left alone: {exc}",
            path=exc.path,
            line=exc.line,
            fixer=NAME,
        )
        return
    for path, line, what in dependencies:
        yield Diagnostic(
            f"{what}: deleting that copy is unsafe ({fix.title})",
            path=path,
            line=line,
            fixer=NAME,
        )
    yield fix


def _keep_live_and_note(
    index: ProjectIndex, group: list[str], why: str, touched: list[str]
) -> Iterator[Fix | Diagnostic]:
    for item in _keep_live(index, group, why):
        if isinstance(item, Fix):
            touched += [c.path for c in item.changes if c.after is not None]
        yield item


def _plan_live(
    index: ProjectIndex, group: list[str], live: str, reason: str, why: str
) -> tuple[Fix, list[tuple[str, int, str]]]:
    """The fix keeping ``live`` and deleting the rest of ``group``, and what depends on the
    columns it drops (the fix is unsafe then); raises _Conflict."""
    project = index.project
    live_module = project.module_name(live)
    assert live_module is not None
    texts: dict[str, str | None] = {}
    tree = project.parse(live)
    migrations = migration_columns(index)
    mapped_elsewhere = {
        c.table
        for p in index.table_paths()
        if p not in group
        for c in index.classes(p)
        if c.table is not None
    }
    dead_copies: list[_DeadCopy] = []
    dependencies: list[tuple[str, int, str]] = []
    hidden: set[str] = set()
    moves: list[ModuleMove] = []
    for path in (p for p in group if p != live):
        module = project.module_name(path)
        assert module is not None
        source = read_models(project.parse(path), project.files[path])
        current = read_models(tree)
        dead = _DeadCopy(path)
        taken = names_taken(index, module, [p for p in group if p != live])
        # The live copy may take names from the dead one (an enum): they move in, above its
        # classes, in place of that import.
        live_takes = {name for name, users in taken.items() if live in users}
        if live_takes:
            tree, imported = _without_imports_of(tree, project.package_of(live), module)
            if not live_takes <= imported:
                raise _Conflict(
                    f"it refers to {path} other than by a top-level `from` import: "
                    "merge them by hand",
                    live,
                )
            current = read_models(tree)
        elsewhere = _needed_names(project, path, source, current, taken, dead)
        top = {
            name: statement
            for statement in ast.parse(project.files[path]).body
            for name in _bound_by(statement)
        }
        _close_over(dead, top, current)
        for name in dead.moved:
            cls = source.classes.get(name)
            if cls is not None and cls.table is not None and cls.table in current.tables:
                other = current.tables[cls.table]
                raise _Conflict(
                    f"{', '.join(taken.get(name, [live]))} uses `{name}`, but {live} maps "
                    f"{cls.table!r} as `{other.name}`",
                    path,
                    cls.line,
                )
        dropped_tables, uses = _what_it_drops(
            index, live, dead, source, current, migrations, mapped_elsewhere, group
        )
        hidden |= dropped_tables
        dependencies += uses
        statements = [source.definitions[n].statement for n in dead.moved]
        imports = needed_imports(
            statements, source, current, _names_module(project.package_of(path), live_module)
        )
        if project.package_of(path) != project.package_of(live):
            imports = [_absolute_import(project.package_of(path), line) for line in imports]
        dead.moved = [n for n in source.definitions if n in dead.moved]
        plan = MergePlan(dead.moved, {})
        tree = merge(tree, project.parse(path), plan, imports, _first_party(project))
        if live_takes:
            tree = _hoist(tree, len({id(source.definitions[n].statement) for n in dead.moved}))
        texts[path] = None
        moves.append(ModuleMove(module, live_module, elsewhere))
        dead_copies.append(dead)
    texts[live] = tree.code

    rewritten: set[str] = set()
    for move in moves:
        rewritten |= _rewrite_importers(project, texts, move)

    new_tree, unhidden = _drop_hiding(parse_module(texts[live] or ""), hidden - mapped_elsewhere)
    if unhidden:
        texts[live] = new_tree.code
    changes = []
    for path in sorted(texts, key=lambda p: (texts[p] is None, p)):
        after, before = texts[path], project.files[path]
        if after == before:
            continue
        if after is not None:
            parse_module(after)  # the output always parses
        changes.append(FileChange(path, before, after))
    dependencies = sorted(set(dependencies))
    explanation = _explain_live(
        sorted(hidden),
        live,
        reason,
        why,
        dead_copies,
        dependencies,
        unhidden,
        sorted(rewritten - {live}),
    )
    fix = Fix(
        fixer=NAME,
        title=f"Keep {live}, the copy the app runs, and delete {' and '.join(d.path for d in dead_copies)}",
        explanation=explanation,
        changes=tuple(changes),
        provenance=tuple(
            Provenance(f"a copy of {live} the app does not run", path=d.path) for d in dead_copies
        ),
        safe=not dependencies,
    )
    return fix, dependencies


def _what_it_drops(
    index: ProjectIndex,
    live: str,
    dead: _DeadCopy,
    source: ModuleModels,
    current: ModuleModels,
    migrations: dict[str, dict[str, tuple[str, int]]],
    mapped_elsewhere: set[str],
    group: list[str],
) -> tuple[set[str], list[tuple[str, int, str]]]:
    """The tables the dead copy maps again (their second mapping goes), and what depends on the
    members and tables only it maps; fills in ``dead.dropped``, ``differing`` and ``bases``."""
    project = index.project
    path = dead.path
    hidden: set[str] = set()
    dependencies: list[tuple[str, int, str]] = []
    live_facts = index.facts(live)
    for facts in index.classes(path):
        kept = next((c for c in live_facts.classes if c.table == facts.table), None)
        if facts.table is None or kept is None:
            continue
        hidden.add(facts.table)
        if facts.bases and kept.bases:
            copy_base = _resolve_name(project, path, facts.bases[0])
            kept_base = _resolve_name(project, live, kept.bases[0])
            if copy_base != kept_base:
                dead.bases.append((facts.table, copy_base, kept_base))
        copy_models, kept_models = (
            source.classes.get(facts.name),
            current.classes.get(kept.name),
        )
        only_here = sorted(n for n in facts.body_names - kept.body_names if not n.startswith("__"))
        dead.dropped += [f"{facts.name}.{n}" for n in only_here]
        if copy_models is not None and kept_models is not None:
            dead.differing += [
                f"{facts.name}.{n}"
                for n, member in copy_models.members.items()
                if n in kept_models.members
                and kept_models.members[n].fingerprint != member.fingerprint
                and not n.startswith("__")
            ]
        for where, line, attribute, what in attribute_uses(
            index, {facts.name, kept.name}, only_here, group
        ):
            label = f"{facts.name}.{attribute}"
            dependencies.append((where, line, f"{what}, and only {path} maps {label}"))
        created = migrations.get(facts.table, {})
        for name in only_here:
            if name in created:
                where, line = created[name]
                dependencies.append(
                    (
                        where,
                        line,
                        f"the migration creates column {facts.table}.{name}, and only "
                        f"{path} maps {facts.name}.{name}",
                    )
                )
    for facts in index.classes(path):
        if (
            facts.table is not None
            and facts.name not in dead.moved
            and facts.table not in current.tables
            and facts.table not in mapped_elsewhere
            and facts.table in migrations
        ):
            where, line = next(iter(migrations[facts.table].values()))
            what = f"the migration creates table {facts.table}, and only {path} maps it"
            dependencies.append((where, line, what))
    return hidden, dependencies


def _without_imports_of(
    tree: cst.Module, package: str | None, module: str
) -> tuple[cst.Module, set[str]]:
    """``tree`` without its top-level ``from module import a, b`` statements, and the names
    they imported (an aliased name is kept, and so is its statement)."""
    body: list[cst.BaseStatement] = []
    names: set[str] = set()
    for statement in tree.body:
        found = _imported_from(statement, package, module)
        if found is None:
            body.append(statement)
        else:
            names |= found
    return tree.with_changes(body=body), names


def _imported_from(
    statement: cst.BaseStatement, package: str | None, module: str
) -> set[str] | None:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    node = statement.body[0]
    if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
        return None
    written = "." * len(node.relative) + (code(node.module) if node.module else "")
    if _absolute(package, written) != module or any(a.asname for a in node.names):
        return None
    return {code(alias.name) for alias in node.names}


def _hoist(tree: cst.Module, count: int) -> cst.Module:
    """Move the last ``count`` statements (just merged in) up, after the last top-level import,
    so that the classes above them can use them."""
    if count == 0:
        return tree
    body, moved = list(tree.body[:-count]), list(tree.body[-count:])
    last = max(
        (
            i
            for i, s in enumerate(body)
            if isinstance(s, cst.SimpleStatementLine)
            and all(isinstance(small, (cst.Import, cst.ImportFrom)) for small in s.body)
        ),
        default=-1,
    )
    return tree.with_changes(body=[*body[: last + 1], *moved, *body[last + 1 :]])


def _needed_names(
    project: Project,
    path: str,
    source: ModuleModels,
    current: ModuleModels,
    taken: dict[str, list[str]],
    dead: _DeadCopy,
) -> dict[str, str]:
    """Sort the names other modules take from the dead copy ``path``: kept (the live copy binds
    them), moved (only the dead copy defines them), or imported from where the dead copy got them
    (the ``elsewhere`` map returned). Raises _Conflict for a name that cannot be placed."""
    elsewhere: dict[str, str] = {}
    for name, users in taken.items():
        if name == "*":
            raise _Conflict(f"{users[0]} star-imports it: cannot tell which names it needs", path)
        mine = source.definitions.get(name)
        if name in current.definitions or name in current.imports:
            theirs = current.definitions.get(name)
            plain = name not in source.classes or source.classes[name].table is None
            if (
                mine is not None
                and theirs is not None
                and plain
                and mine.fingerprint != theirs.fingerprint
            ):
                raise _Conflict(
                    f"`{name}` is defined differently here and in the live copy, and "
                    f"{users[0]} uses it",
                    path,
                    mine.line,
                )
            continue
        if mine is not None:
            dead.moved.append(name)
            continue
        imported = source.imports.get(name)
        origin = _absolute(project.package_of(path), imported.module) if imported else None
        if imported is None or imported.name != name or origin is None:
            raise _Conflict(
                f"{users[0]} takes `{name}` from it, and the live copy has no such name", path
            )
        elsewhere[name] = origin
    return elsewhere


def _close_over(dead: _DeadCopy, top: dict[str, ast.stmt], current: ModuleModels) -> None:
    """Add to ``dead.moved`` what the moved definitions need from the dead copy, and list what
    it defines that nothing needs."""
    pending = list(dead.moved)
    bound = set(current.definitions) | set(current.imports)
    while pending:
        statement = top.get(pending.pop())
        if statement is None:
            continue
        for name in sorted(names_used(statement)):
            if name in top and name not in bound and name not in dead.moved:
                if isinstance(top[name], (ast.Import, ast.ImportFrom)):
                    continue
                dead.moved.append(name)
                pending.append(name)
    dead.unused = sorted(
        name
        for name, statement in top.items()
        if name not in bound
        and name not in dead.moved
        and not isinstance(statement, (ast.Import, ast.ImportFrom))
        and not name.startswith("__")
    )


def _bound_by(statement: ast.stmt) -> list[str]:
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [statement.name]
    if isinstance(statement, ast.Assign):
        return [t.id for t in statement.targets if isinstance(t, ast.Name)]
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return [statement.target.id]
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return [(a.asname or a.name).split(".")[0] for a in statement.names if a.name != "*"]
    return []


def _absolute_import(package: str | None, line: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
    """A relative ``from`` import written in ``package``, made absolute (it moves to another
    package)."""
    node = line.body[0]
    if not isinstance(node, cst.ImportFrom) or not node.relative:
        return line
    written = "." * len(node.relative) + (code(node.module) if node.module else "")
    absolute = _absolute(package, written)
    if absolute is None:
        return line
    return line.with_changes(
        body=[node.with_changes(relative=[], module=cst.parse_expression(absolute))]
    )


def _explain_live(
    tables: list[str],
    live: str,
    reason: str,
    why: str,
    dead_copies: list[_DeadCopy],
    dependencies: list[tuple[str, int, str]],
    unhidden: list[str],
    importers: list[str],
) -> str:
    paths = ", ".join(d.path for d in dead_copies)
    listed = ", ".join(repr(t) for t in tables)
    parts = [
        f"{paths} and {live} both map {listed} ({why}). "
        f"Kept {live}, the copy the app runs: {reason}. Deleted {paths}, so each table is mapped "
        'once (two mappings of a table on one Base fail with "Table ... is already defined for '
        'this MetaData instance").'
    ]
    for dead in dead_copies:
        for table, copy_base, kept_base in dead.bases:
            parts.append(f"{dead.path} maps {table!r} on {copy_base}, {live} on {kept_base}.")
        if dead.dropped:
            parts.append(
                f"Columns and attributes only {dead.path} maps, not kept: {', '.join(dead.dropped)}."
            )
        if dead.differing:
            parts.append(
                f"Defined differently in {dead.path} (the live definition stays): "
                f"{', '.join(dead.differing)}."
            )
        if dead.moved:
            parts.append(
                f"Moved {', '.join(dead.moved)} from {dead.path} (defined only there, and used)."
            )
        if dead.unused:
            parts.append(f"Deleted with it, as nothing uses them: {', '.join(dead.unused)}.")
    if unhidden:
        parts.append(
            f"Removed `extend_existing` from {', '.join(unhidden)}: it only hid the second mapping."
        )
    if importers:
        parts.append(f"Rewrote the imports in {len(importers)} file{'s' * (len(importers) != 1)}.")
    if dependencies:
        shown = "; ".join(f"{p}:{line} {what}" for p, line, what in dependencies[:5])
        more = f" and {len(dependencies) - 5} more" if len(dependencies) > 5 else ""
        parts.append(f"Unsafe: something depends on what only the dead copy maps: {shown}{more}.")
    return " ".join(parts)


def _cross_groups(index: ProjectIndex, handled: set[str]) -> list[list[str]]:
    """Modules in different folders of one package tree that map the same table on the same
    Base (``auth/models.py`` and ``models/user.py`` both mapping ``users``) and meet in one
    process: they cannot both load."""
    project = index.project
    linked = _Linked()
    for entries in _tables_by_tree(index).values():
        for i, (first, a) in enumerate(entries):
            for second, b in entries[i + 1 :]:
                if (
                    first in handled
                    or second in handled
                    or _folder(first) == _folder(second)
                    or first.rpartition("/")[2] == "__init__.py"
                    or second.rpartition("/")[2] == "__init__.py"
                    or not index.share_a_process(first, second)
                    or not a.bases
                    or not b.bases
                    or _resolve_name(project, first, a.bases[0])
                    != _resolve_name(project, second, b.bases[0])
                ):
                    continue
                linked.join(first, second)
    return linked.groups()

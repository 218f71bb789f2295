"""Import every model module in the model registry and alembic's env.py.

## What it does

SQLAlchemy knows a table only once the module that maps it has been imported: its class (or
``Table(...)``) registers itself on the ``MetaData`` of its declarative base. Projects collect
their models in a *registry* that imports each model module: the models package's
``__init__.py`` (``app/models/__init__.py``), or a ``db/base.py``-style module made only of
imports. Alembic's ``env.py`` imports the registry (or the models one by one) before it hands
``target_metadata = Base.metadata`` to autogenerate. A model module the registry misses is
invisible there: ``alembic revision --autogenerate`` proposes to drop its tables, and
``relationship("Task")`` fails at ``configure_mappers()`` with *expression 'Task' failed to
locate a name* (field report 003: ``app/models/__init__.py`` and ``alembic/env.py`` must import
every model module).

For each registry the fixer lists the modules that map a table of the registry's metadata:
SQLAlchemy declarative classes with ``__tablename__`` or ``__table__``, SQLModel classes with
``table=True``, and ``Table(...)`` objects on a ``MetaData``. The metadata is followed, not
guessed: a class's bases are followed (through imports and re-exports) to the declarative base
they come from (``class Base(DeclarativeBase)``, ``Base = declarative_base()``, SQLModel,
Flask-SQLAlchemy's ``db.Model``); two different bases are two different metadata. A module
the registry does not reach (directly, or through the modules it imports) gets an import, in
the registry's own style: ``from . import task``, ``from .task import Task``, ``from
app.models.task import Task  # noqa: F401``, whichever the file already uses, in sorted
position when its model imports are sorted; a literal ``__all__`` that lists the imported
names is kept in sync. The registries are:

- a package ``__init__.py`` that imports at least one of the package's model modules: it must
  import every model module below it of the same metadata;
- a module made only of imports (a docstring and ``__all__`` aside) that imports several model
  modules, or the declarative base and a model module: every model module of the same
  metadata in the app (a module re-exporting one model is a shim, not a registry);
- alembic's ``env.py`` (the one ``alembic.ini``'s ``script_location`` names, or
  ``*/alembic/env.py``, ``*/migrations/env.py``) with ``target_metadata = Base.metadata``
  (or ``SQLModel.metadata``, a ``MetaData`` object) that reaches at least one model module:
  every model module of that metadata in the app.

The package registries are repaired first, so ``env.py`` gets an import only for what no
registry it imports will cover. The fixes are safe: importing a module that maps tables only
registers them.

## What it won't touch

- A project without a registry: nothing imports its models in one place, so nothing is
  missing (models imported where they are used are not a registry).
- A registry that imports modules at run time (``importlib.import_module``, ``__import__``,
  ``pkgutil``): it may well import every model.
- Model modules of another metadata (another ``Base``), another app, ``tests/`` and the
  alembic folder itself.
- A model module that imports the registry at import time (``from app.models import
  Project`` in ``app/models/task.py``, directly or through other modules): adding it to the
  registry could create an import cycle, so it is reported instead. ``env.py`` is imported by
  nothing, so it can still import such a module.
- A name the registry already binds to something else: importing the model there would
  shadow it; reported.
- A model module that maps the same table or class name as another model module of the same
  metadata: importing both fails (*Table 'users' is already defined*); which copy lives is
  ``duplicate-models``' decision, so it is reported.
- A registry that imports a project module that does not exist: it cannot run as it is;
  ``moved-modules`` reports (or repairs) that first.
- Imports under ``if TYPE_CHECKING`` never count as importing a model (they do not run);
  imports inside functions do (``env.py`` runs them before autogenerate compares).

## Example

```diff
 # app/models/__init__.py
 from .project import Project
+from .task import Task

-__all__ = ["Project"]
+__all__ = ["Project", "Task"]
```

## References

- Alembic, what autogenerate detects (the models must be imported into ``target_metadata``):
  https://alembic.sqlalchemy.org/en/latest/autogenerate.html#what-does-autogenerate-detect-and-what-does-it-not-detect
- SQLAlchemy, declarative mapping and ``Base.metadata``:
  https://docs.sqlalchemy.org/en/20/orm/declarative_tables.html
- SQLAlchemy, ``relationship()`` arguments given as strings are resolved in the registry when
  the mappers are configured:
  https://docs.sqlalchemy.org/en/20/orm/basic_relationships.html#using-a-late-evaluated-form-for-the-related-class
"""

from __future__ import annotations

import ast
import configparser
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath
from typing import TypeVar

import libcst as cst

from fixup.codemods.nodes import code, is_docstring
from fixup.fix import Diagnostic, FileChange, Fix, Plan, Provenance
from fixup.fixers import FixerContext
from fixup.index import FileFacts as IndexFacts
from fixup.index import ProjectIndex, dotted
from fixup.project import Project

ORDER = 37
NAME = __name__.rpartition(".")[2].replace("_", "-")

#: A registry that imports modules by name at run time may import every model.
_DYNAMIC_IMPORTS = ("import_module", "__import__(", "pkgutil")
#: Declarative base classes of SQLAlchemy: a class deriving from one is a declarative base.
_SQLALCHEMY_BASES = frozenset({"DeclarativeBase", "DeclarativeBaseNoMeta"})
#: Calls that make a declarative base (or an object whose ``.Model`` is one).
_BASE_FACTORIES = frozenset({"declarative_base", "generate_base", "SQLAlchemy"})
_ENV_FOLDERS = frozenset({"alembic", "migrations"})
#: A module that defines functions or classes is no import-only registry (the cheap test).
_DEFINITIONS = ("def ", "class ", "async def ", "@")


# ---------------------------------------------------------------- facts (ast, one per file)


@dataclass(frozen=True)
class _Import:
    """One import statement: ``from <level><module> import <names>`` or ``import <module>``."""

    level: int
    #: The module as written (without dots); for ``import a.b``, ``a.b``.
    module: str
    #: (name, asname or "") for a ``from`` import; () for ``import module``; ("*", "") for a star.
    names: tuple[tuple[str, str], ...]
    is_from: bool
    line: int
    #: It runs when the module is imported: not in a function, not under ``if TYPE_CHECKING``.
    eager: bool
    #: It is a statement of the module's body (not nested in ``if``/``try``/a function).
    top: bool
    #: Under ``if TYPE_CHECKING``: it never runs.
    typing_only: bool = False


@dataclass(frozen=True)
class _Binding:
    """How a module-level name is bound (the last binding wins)."""

    kind: str  # "class", "import", "call", "alias", "table", "other"
    line: int
    #: class: its bases (dotted); call: the callee, then the ``metadata=`` of a
    #: ``declarative_base(metadata=...)``; alias: the expression; table: the metadata
    #: expression of a ``Table(name, metadata, ...)``.
    exprs: tuple[str, ...] = ()
    #: import: the _Import and the imported name ("" for ``import module``).
    source: _Import | None = None
    name: str = ""
    #: class: ``as_declarative`` decorated.
    decorated_base: bool = False


@dataclass(frozen=True)
class _Table:
    """A name that maps a table: a class (``bases``) or a ``Table(...)`` (``metadata``)."""

    name: str
    line: int
    bases: tuple[str, ...] = ()
    metadata: str | None = None
    #: The table's name, when the code spells it out.
    table: str | None = None


@dataclass(frozen=True)
class _Facts:
    imports: tuple[_Import, ...]
    bindings: dict[str, _Binding]
    tables: tuple[_Table, ...]
    #: The names of a literal ``__all__``, or None.
    all_names: tuple[str, ...] | None
    #: ``target_metadata = ...`` at module level: the expressions (dotted) and the line.
    target_metadata: tuple[tuple[str, ...], int] | None
    #: Every module-level statement is an import, a docstring, ``__all__`` or ``pass``.
    only_imports: bool
    dynamic_imports: bool


def _facts(project: Project, path: str) -> _Facts | None:
    """The facts of one file, or None when it does not parse (the pipeline reports that)."""
    return _facts_of(project.files[path])


@lru_cache(maxsize=2048)
def _facts_of(text: str) -> _Facts | None:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    imports: list[_Import] = []
    _collect_imports(tree.body, imports, eager=True, top=True, typing=False)
    bindings: dict[str, _Binding] = {}
    tables: list[_Table] = []
    all_names: tuple[str, ...] | None = None
    target: tuple[tuple[str, ...], int] | None = None
    only_imports = True
    for index, node in enumerate(tree.body):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for item in imports:
                if item.top and item.line == node.lineno:
                    _bind_import(bindings, item)
            continue
        if (index == 0 and _is_docstring(node)) or isinstance(node, ast.Pass):
            continue
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            continue
        if isinstance(node, (ast.If, ast.Try)):
            end = node.end_lineno or node.lineno
            for item in imports:
                if item.eager and not item.top and node.lineno <= item.line <= end:
                    _bind_import(bindings, item)
        if isinstance(node, ast.ClassDef):
            only_imports = False
            bases = tuple(d for d in (dotted(b) for b in node.bases) if d)
            decorated = any(
                (dotted(d.func if isinstance(d, ast.Call) else d) or "").rpartition(".")[2]
                == "as_declarative"
                for d in node.decorator_list
            )
            bindings[node.name] = _Binding("class", node.lineno, bases, decorated_base=decorated)
            if _maps_table(node):
                table = _table_name(node)
                tables.append(_Table(node.name, node.lineno, bases=bases, table=table))
            continue
        targets, value = _assignment(node)
        if targets == ["__all__"]:
            all_names = _strings(value)
            continue
        only_imports = False
        if targets == ["target_metadata"] and value is not None:
            exprs = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
            names = tuple(d for d in (dotted(e) for e in exprs) if d)
            if len(names) == len(exprs) and names:
                target = (names, node.lineno)
        for name in targets:
            bindings[name] = _value_binding(value, node.lineno)
            if bindings[name].kind == "table":
                table = _string(value.args[0]) if isinstance(value, ast.Call) else None
                tables.append(
                    _Table(name, node.lineno, metadata=bindings[name].exprs[0], table=table)
                )
        if not targets and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bindings[node.name] = _Binding("other", node.lineno)
    return _Facts(
        imports=tuple(imports),
        bindings=bindings,
        tables=tuple(tables),
        all_names=all_names,
        target_metadata=target,
        only_imports=only_imports,
        dynamic_imports=any(needle in text for needle in _DYNAMIC_IMPORTS),
    )


def _bind_import(bindings: dict[str, _Binding], item: _Import) -> None:
    if not item.is_from:
        # `import a.b` binds a; `import a.b as m` binds m
        bound = item.names[0][1] if item.names else item.module.split(".")[0]
        bindings[bound] = _Binding("import", item.line, source=item)
        return
    for name, asname in item.names:
        if name != "*":
            bindings[asname or name] = _Binding("import", item.line, source=item, name=name)


def _collect_imports(
    body: Iterable[ast.stmt], out: list[_Import], *, eager: bool, top: bool, typing: bool
) -> None:
    for node in body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliased = ((alias.name, alias.asname),) if alias.asname else ()
                out.append(_Import(0, alias.name, aliased, False, node.lineno, eager, top, typing))
        elif isinstance(node, ast.ImportFrom):
            names = tuple((a.name, a.asname or "") for a in node.names)
            out.append(
                _Import(node.level, node.module or "", names, True, node.lineno, eager, top, typing)
            )
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _collect_imports(node.body, out, eager=False, top=False, typing=typing)
        elif isinstance(node, ast.If):
            lazy = _is_type_checking(node.test)
            _collect_imports(
                node.body, out, eager=eager and not lazy, top=False, typing=typing or lazy
            )
            _collect_imports(node.orelse, out, eager=eager, top=False, typing=typing)
        else:
            for name in ("body", "orelse", "finalbody", "handlers"):
                children = getattr(node, name, None)
                if isinstance(children, list):
                    stmts = [c for c in children if isinstance(c, ast.stmt)]
                    stmts += [
                        s for h in children if isinstance(h, ast.ExceptHandler) for s in h.body
                    ]
                    _collect_imports(stmts, out, eager=eager, top=False, typing=typing)


def _value_binding(value: ast.expr | None, line: int) -> _Binding:
    if isinstance(value, ast.Call):
        callee = dotted(value.func) or ""
        last = callee.rpartition(".")[2]
        if last == "Table" and len(value.args) >= 2:
            metadata = dotted(value.args[1])
            if metadata:
                return _Binding("table", line, (metadata,))
        if last in _BASE_FACTORIES:
            given = next((dotted(k.value) for k in value.keywords if k.arg == "metadata"), None)
            return _Binding("call", line, (callee, *([given] if given else [])))
        if last == "MetaData":
            return _Binding("call", line, (callee,))
        return _Binding("other", line)
    name = dotted(value) if value is not None else None
    if name:
        return _Binding("alias", line, (name,))
    return _Binding("other", line)


def _maps_table(node: ast.ClassDef) -> bool:
    if any(k.arg == "table" and _is_true(k.value) for k in node.keywords):
        return True
    names: set[str] = set()
    for statement in node.body:
        targets, value = _assignment(statement)
        if targets == ["__abstract__"] and value is not None and _is_true(value):
            return False
        names.update(targets)
    return bool(names & {"__tablename__", "__table__"})


def _table_name(node: ast.ClassDef) -> str | None:
    for statement in node.body:
        targets, value = _assignment(statement)
        if "__tablename__" in targets:
            return _string(value)
        if "__table__" in targets and isinstance(value, ast.Call) and value.args:
            return _string(value.args[0])
    if any(k.arg == "table" for k in node.keywords):
        return node.name.lower()  # SQLModel's default
    return None


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _assignment(node: ast.stmt) -> tuple[list[str], ast.expr | None]:
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)], node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id], node.value
    return [], None


def _strings(node: ast.expr | None) -> tuple[str, ...] | None:
    if not isinstance(node, (ast.List, ast.Tuple)):
        return None
    values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
    strings = tuple(v for v in values if isinstance(v, str))
    return strings if len(strings) == len(node.elts) else None


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _is_type_checking(node: ast.expr) -> bool:
    return (dotted(node) or "").rpartition(".")[2] == "TYPE_CHECKING"


# ---------------------------------------------------------------- which metadata


class _Lookup:
    """A snapshot and where its imports lead, memoised: the fixes this fixer makes edit files
    but never add or remove one, so the answers hold for every snapshot it plans on."""

    def __init__(
        self, project: Project, memo: dict[tuple[str, str], str | None] | None = None
    ) -> None:
        self.project = project
        self._memo = {} if memo is None else memo
        self._search: dict[str, tuple[str, ...]] = {}

    def on(self, project: Project) -> _Lookup:
        return _Lookup(project, self._memo)

    def resolve(self, importer: str, module: str) -> str | None:
        """``project.resolve_from``, once per import root list and module."""
        folder = importer.rpartition("/")[0]  # sys.path depends on the folder, not the file
        search = self._search.get(folder)
        if search is None:
            search = self._search[folder] = self.project.sys_path(importer)
        key = ("\0".join(search), module)
        if key not in self._memo:
            self._memo[key] = self.project.resolve_from(importer, module)
        return self._memo[key]


class _Metadata:
    """Which metadata a model maps its table on: names followed to the declarative base or
    ``MetaData`` object that defines them, across the project's imports."""

    def __init__(self, lookup: _Lookup) -> None:
        self.lookup = lookup
        self.project = lookup.project
        self._memo: dict[tuple[str, str], str | None] = {}

    def of_table(self, path: str, table: _Table) -> str | None:
        """The identity of the metadata a table is on (``app.db.base.Base``), or None."""
        if table.metadata is not None:
            return self.of_metadata(path, table.metadata)
        for base in table.bases:
            found = self.resolve(path, base)
            if found is not None and not found.startswith("<"):
                return found
        return None

    def of_metadata(self, path: str, expr: str) -> str | None:
        """``Base.metadata`` -> Base's identity; a ``MetaData`` object's name -> its identity."""
        owner, _, attr = expr.rpartition(".")
        if attr == "metadata" and owner:
            found = self.resolve(path, owner)
        else:
            found = self.resolve(path, expr)
        return found if found is not None and not found.startswith("<") else None

    def resolve(self, path: str, expr: str, depth: int = 0) -> str | None:
        """What a dotted name in ``path`` is: a metadata identity (``module.Name``), a marker
        ``<module:NAME>`` for a module, ``<declarative>`` for SQLAlchemy's DeclarativeBase, or
        None when it is nothing this fixer follows."""
        key = (path, expr)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = None  # a cycle of re-exports is nothing
        result = self._resolve(path, expr, depth) if depth < 30 else None
        self._memo[key] = result
        return result

    def _resolve(self, path: str, expr: str, depth: int) -> str | None:
        head, _, rest = expr.partition(".")
        facts = _facts(self.project, path)
        # A script (env.py) is no module; its own bases are named after its path.
        module = self.project.module_name(path) or path
        if facts is None:
            return None
        binding = facts.bindings.get(head)
        if binding is None:
            return None
        found = self._binding(path, module, head, binding, depth)
        for attr in rest.split(".") if rest else ():
            if found is None:
                return None
            if found.startswith("<module:"):
                owner = found[8:-1]
                target = self.lookup.resolve(path, owner)
                if target is None:  # a package outside the project: sqlalchemy.orm...
                    found = self._external(owner, attr) or f"<module:{owner}.{attr}>"
                elif self.lookup.resolve(path, f"{owner}.{attr}") is not None:
                    found = f"<module:{owner}.{attr}>"
                else:
                    found = self.resolve(target, attr, depth + 1)
            elif attr == "Model" and not found.startswith("<"):
                continue  # Flask-SQLAlchemy: db.Model's metadata is the db's
            else:
                return None
        return found

    def _binding(
        self, path: str, module: str, name: str, binding: _Binding, depth: int
    ) -> str | None:
        if binding.kind == "class":
            if binding.decorated_base:
                return f"{module}.{name}"
            for base in binding.exprs:
                found = self.resolve(path, base, depth + 1)
                if found == "<declarative>":
                    return f"{module}.{name}"
                if found is not None and not found.startswith("<"):
                    return found
            return None
        if binding.kind == "call":
            callee, *given = binding.exprs
            if callee.rpartition(".")[2] == "MetaData":
                return f"{module}.{name}"
            if given:
                return self.of_metadata(path, given[0]) or f"{module}.{name}"
            return f"{module}.{name}"
        if binding.kind == "alias":
            return self.resolve(path, binding.exprs[0], depth + 1)
        if binding.kind == "import" and binding.source is not None:
            source = binding.source
            absolute = _absolute(self.project, path, source.level, source.module)
            if absolute is None:
                return None
            if not source.is_from:
                # `import a.b` binds a; `import a.b as m` binds a.b
                return f"<module:{absolute if source.names else absolute.split('.')[0]}>"
            if self.lookup.resolve(path, f"{absolute}.{binding.name}") is not None:
                return f"<module:{absolute}.{binding.name}>"
            target = self.lookup.resolve(path, absolute)
            if target is None:
                return self._external(absolute, binding.name)
            return self.resolve(target, binding.name, depth + 1)
        return None

    @staticmethod
    def _external(module: str, name: str) -> str | None:
        top = module.split(".")[0]
        if top == "sqlmodel" and name == "SQLModel":
            return "sqlmodel.SQLModel"
        if top == "sqlalchemy" and name in _SQLALCHEMY_BASES:
            return "<declarative>"
        return None


def _absolute(project: Project, path: str, level: int, module: str) -> str | None:
    if level == 0:
        return module or None
    package = project.package_of(path)
    if package is None:
        return None
    bits = package.split(".") if package else []
    if level > len(bits):
        return None
    base = bits[: len(bits) - (level - 1)]
    return ".".join([*base, *([module] if module else [])]) or None


# ---------------------------------------------------------------- model modules, registries


@dataclass(frozen=True)
class _ModelModule:
    path: str
    module: str
    #: The names that map tables, per metadata identity, in source order.
    tables: dict[str, tuple[str, ...]]
    #: The tables they map (as far as the code spells them out), per metadata identity.
    table_names: dict[str, tuple[str, ...]]


@dataclass
class _Registry:
    path: str
    kind: str  # "package", "module", "env"
    #: The metadata identities whose models it must import.
    metadata: set[str] = field(default_factory=set)
    line: int = 1


def plan(ctx: FixerContext) -> Iterator[Fix | Diagnostic]:
    """Yield each registry's fix before planning the next: the next is planned on
    ``ctx.project``, which holds every fix the pipeline accepted so far."""
    project = ctx.project
    out = Plan()
    lookup = _Lookup(project)
    metadata = _Metadata(lookup)
    models: dict[str, _ModelModule] = {}
    for path in project.python_files():
        if path not in ctx.index or not _maps_a_table(ctx.index.facts(path)):
            continue
        module = project.module_name(path)
        facts = _facts(project, path)
        if module is None or facts is None or not facts.tables or _set_aside(path):
            continue
        tables: dict[str, list[str]] = {}
        mapped: dict[str, list[str]] = {}
        for table in facts.tables:
            identity = metadata.of_table(path, table)
            if identity is not None:
                tables.setdefault(identity, []).append(table.name)
                if table.table is not None:
                    mapped.setdefault(identity, []).append(table.table)
        if tables:
            models[path] = _ModelModule(
                path,
                module,
                {k: tuple(v) for k, v in tables.items()},
                {k: tuple(v) for k, v in mapped.items()},
            )
    if not models:
        yield from out.diagnostics
        return
    registries = _registries(lookup, metadata, models, ctx.index)
    for registry in registries:
        fix = _repair(lookup.on(ctx.project), registry, models, out)
        yield from out.diagnostics
        out.diagnostics.clear()
        if fix is not None:
            yield fix


def _maps_a_table(facts: IndexFacts) -> bool:
    """The index's facts show a class that names a table, or a module-level ``x = Table(...)``:
    only such a file is parsed for its tables."""
    return any(c.maps_table for c in facts.classes) or any(
        d.called == "Table" for d in facts.definitions
    )


def _set_aside(path: str) -> bool:
    """Model modules no registry is expected to import: tests, and alembic's own folder."""
    parts = PurePosixPath(path).parts
    name = parts[-1]
    return (
        bool({"tests", "test", "versions"} & set(parts[:-1]))
        or name.startswith("test_")
        or name == "conftest.py"
        or any(p in _ENV_FOLDERS for p in parts[:-1])
    )


def _registries(
    lookup: _Lookup, metadata: _Metadata, models: dict[str, _ModelModule], index: ProjectIndex
) -> list[_Registry]:
    """Every registry, packages deepest first, then import-only modules, then env.py files."""
    project = lookup.project
    found: list[_Registry] = []
    candidates = {f"{folder}/__init__.py" for p in models for folder in _folders_above(p)} | {
        p
        for p in project.files_containing("import")
        if not project.is_package(p) and not _defines(project.files[p])
    }
    # A registry imports a model module: the index's imports, by the module's last name (an
    # app may be imported under more than one dotted name), rule out the others unparsed.
    stems = {PurePosixPath(p).stem for p in models} | {
        PurePosixPath(p).parent.name for p in models if project.is_package(p)
    }
    for path in sorted(candidates):
        if path not in project.files or _set_aside(path):
            continue
        if path in index and not any(
            module.rpartition(".")[2] in stems for module, _ in index.imported_modules(path)
        ):
            continue
        facts = _facts(project, path)
        if facts is None or facts.dynamic_imports:
            continue
        package = project.is_package(path)
        if not package and (not facts.only_imports or path in models):
            continue
        registry = _Registry(path, "package" if package else "module")
        imported: set[str] = set()
        for item in facts.imports:
            if not item.eager:
                continue
            for target in _targets(lookup, path, item):
                model = models.get(target)
                if model is None or target == path or (package and not _below(path, target)):
                    continue
                imported.add(target)
                registry.metadata.update(model.tables)
                registry.line = item.line
        # A module that re-exports one model is a shim, not a registry, unless it also binds
        # the declarative base (``db/base.py``: the base, then every model).
        if not package and len(imported) < 2:
            bases = {
                identity
                for name, binding in facts.bindings.items()
                if (identity := metadata.resolve(path, name))
                and identity.rpartition(".")[2] == (binding.name or name)
            }
            registry.metadata &= bases
        if registry.metadata:
            found.append(registry)
    # Packages below a package first, so an outer registry sees the inner one repaired.
    found.sort(key=lambda r: (r.kind != "package", -r.path.count("/"), r.path))
    for path in _env_files(project):
        facts = _facts(project, path)
        if facts is None or facts.target_metadata is None or facts.dynamic_imports:
            continue
        exprs, line = facts.target_metadata
        identities = {i for e in exprs if (i := metadata.of_metadata(path, e)) is not None}
        reached = _closure(lookup, path, lazy=True)
        if identities and any(
            p in reached and set(m.tables) & identities for p, m in models.items()
        ):
            found.append(_Registry(path, "env", identities, line))
    return found


def _env_files(project: Project) -> list[str]:
    """alembic's env.py files: where alembic.ini's script_location points, or in a folder
    called alembic or migrations."""
    named = set()
    for path, text in project.evidence.items():
        if PurePosixPath(path).name != "alembic.ini":
            continue
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read_string(text)
        except configparser.Error:
            continue
        location = parser.get("alembic", "script_location", fallback="").strip()
        location = location.replace("%(here)s", ".").strip("/")
        if location and ":" not in location:
            folder = PurePosixPath(path).parent / location
            named.add(PurePosixPath(*[p for p in folder.parts if p != "."]).as_posix())
    return sorted(
        path
        for path in project.files_containing("target_metadata")
        if PurePosixPath(path).name == "env.py"
        and not {"tests", "test"} & set(PurePosixPath(path).parts)
        and (
            PurePosixPath(path).parent.name in _ENV_FOLDERS
            or PurePosixPath(path).parent.as_posix() in named
        )
    )


def _defines(text: str) -> bool:
    """Whether a module defines functions or classes (then it is no import-only registry)."""
    return text.startswith(_DEFINITIONS) or any(f"\n{d}" in text for d in _DEFINITIONS)


def _folders_above(path: str) -> Iterator[str]:
    parts = path.split("/")[:-1]
    for i in range(len(parts), 0, -1):
        yield "/".join(parts[:i])


def _below(init: str, path: str) -> bool:
    folder = init.rpartition("/")[0]
    return path.startswith(folder + "/") if folder else True


def _targets(lookup: _Lookup, path: str, item: _Import, *, parents: bool = False) -> Iterator[str]:
    """The project files one import statement runs (with ``parents``, the packages above them
    too; without, a ``from pkg import submodule`` does not count ``pkg`` itself)."""
    absolute = _absolute(lookup.project, path, item.level, item.module)
    if absolute is None:
        return
    modules: list[str] = []
    submodules = [
        f"{absolute}.{name}"
        for name, _ in item.names
        if item.is_from and name != "*" and lookup.resolve(path, f"{absolute}.{name}") is not None
    ]
    if not item.is_from or len(submodules) < len(item.names):
        modules.append(absolute)
    modules.extend(submodules)
    seen: set[str] = set()
    for module in modules:
        parts = module.split(".")
        names = [".".join(parts[:i]) for i in range(1, len(parts) + 1)] if parents else [module]
        for name in names:
            target = lookup.resolve(path, name)
            if target is not None and target not in seen:
                seen.add(target)
                yield target


def _closure(lookup: _Lookup, start: str, *, lazy: bool) -> set[str]:
    """The files importing ``start`` runs, transitively. ``lazy``: imports in functions count
    too, and the packages above each module (what the file may import: a model is only missing
    when nothing could import it); otherwise only what runs at import time. Imports under ``if
    TYPE_CHECKING`` never run (models often import each other there for annotations)."""
    seen: set[str] = set()
    pending = [start]
    while pending:
        path = pending.pop()
        facts = _facts(lookup.project, path)
        if facts is None:
            continue
        for item in facts.imports:
            if item.typing_only or (not lazy and not item.eager):
                continue
            for target in _targets(lookup, path, item, parents=lazy):
                if target not in seen:
                    seen.add(target)
                    pending.append(target)
    return seen


# ---------------------------------------------------------------- the repair


@dataclass(frozen=True)
class _Style:
    """How the registry writes its model imports."""

    form: str  # "names" (from m import X), "module" (from pkg import m), "import", "star"
    relative: bool
    comment: str
    #: The names its model imports bind.
    bound: frozenset[str] = frozenset()
    #: The body index of each top-level model import, and its sort key.
    group: tuple[tuple[int, str], ...] = ()


def _repair(
    lookup: _Lookup, registry: _Registry, models: dict[str, _ModelModule], out: Plan
) -> Fix | None:
    project = lookup.project
    path = registry.path
    facts = _facts(project, path)
    if facts is None or _imports_a_missing_module(project, path, facts):
        return None  # it cannot run as it is: moved-modules reports (or repairs) that first
    reached = _closure(lookup, path, lazy=True)
    module = project.module_name(path)
    twins = _twins(models, registry.metadata)
    missing: list[tuple[_ModelModule, tuple[str, ...]]] = []
    for model in sorted(models.values(), key=lambda m: m.module):
        names = tuple(n for i, ns in model.tables.items() if i in registry.metadata for n in ns)
        if not names or model.path in reached or model.path == path:
            continue
        if registry.kind == "package" and not _below(path, model.path):
            continue
        if lookup.resolve(path, model.module) != model.path:
            continue  # another app's module
        same = sorted(
            {
                (other, what)
                for identity in registry.metadata
                for what in (
                    *(f"table '{t}'" for t in model.table_names.get(identity, ())),
                    *(f"class {n}" for n in model.tables.get(identity, ())),
                )
                for other in twins.get((identity, what), ())
                if other != model.path
            }
        )
        if same:
            other, what = min(same, key=lambda o: (o[1].startswith("class"), o))
            out.diagnostics.append(
                Diagnostic(
                    f"the registry does not import {model.module} ({', '.join(names)}); not "
                    f"added, because {other} maps the same {what} on "
                    f"{_shown(registry.metadata)}, and importing both fails: two copies of a "
                    "model, one of which must go (see duplicate-models)",
                    path=path,
                    line=registry.line,
                    fixer=NAME,
                )
            )
            continue
        if (
            registry.kind != "env"
            and module is not None
            and path in _closure(lookup, model.path, lazy=False)
        ):
            out.diagnostics.append(_cycle(registry, module, model, names))
            continue
        missing.append((model, names))
    if not missing:
        return None
    try:
        tree = project.parse(path)
    except cst.ParserSyntaxError:
        return None
    style = _style(lookup, path, tree, models)
    statements: list[tuple[str, cst.SimpleStatementLine, tuple[str, ...]]] = []
    for model, names in missing:
        written, bound = _written(project, path, style, model, names)
        clash = sorted(n for n in bound if n in facts.bindings and not _same_package(facts, n))
        if clash:
            out.diagnostics.append(
                Diagnostic(
                    f"the registry does not import {model.module} ({', '.join(names)}), which maps "
                    f"tables of its metadata; `{written}` is not added, since it would rebind "
                    f"{', '.join(clash)}: import the module under another name",
                    path=path,
                    line=registry.line,
                    fixer=NAME,
                )
            )
            continue
        statement = cst.parse_statement(written + "\n")
        assert isinstance(statement, cst.SimpleStatementLine)
        statements.append((model.module, statement, bound))
    if not statements:
        return None
    new_tree = _insert(tree, style, statements)
    new_tree = _sync_all(new_tree, facts, style, [b for _, _, b in statements])
    if new_tree.code == tree.code:
        return None
    added = [m for m, _ in missing if any(m.module == s[0] for s in statements)]
    return Fix(
        fixer=NAME,
        title=(
            f"Import {len(added)} missing model module{'s' if len(added) != 1 else ''} in {path}"
        ),
        explanation=_explain(registry, added),
        changes=(FileChange(path, tree.code, new_tree.code),),
        provenance=tuple(
            Provenance(
                f"{m.module} ({m.path}) maps "
                + ", ".join(n for i, ns in m.tables.items() if i in registry.metadata for n in ns)
                + f" on {_shown(registry.metadata)}",
                path=m.path,
            )
            for m in added
        ),
    )


def _twins(
    models: dict[str, _ModelModule], identities: set[str]
) -> dict[tuple[str, str], set[str]]:
    """(metadata, "table 'x'" or "class X") -> the model modules that map it."""
    found: dict[tuple[str, str], set[str]] = {}
    for model in models.values():
        for identity in identities:
            for table in model.table_names.get(identity, ()):
                found.setdefault((identity, f"table '{table}'"), set()).add(model.path)
            for name in model.tables.get(identity, ()):
                found.setdefault((identity, f"class {name}"), set()).add(model.path)
    return found


def _imports_a_missing_module(project: Project, path: str, facts: _Facts) -> bool:
    for item in facts.imports:
        if not item.eager or item.typing_only:
            continue
        absolute = _absolute(project, path, item.level, item.module)
        if absolute is None:
            return True
        top = absolute.split(".")[0]
        if project.module_exists_from(path, top) and not project.module_exists_from(path, absolute):
            return True
    return False


def _same_package(facts: _Facts, name: str) -> bool:
    """``import app.hero`` binds ``app`` again where ``import app.team`` bound it: no clash."""
    source = facts.bindings[name].source
    return source is not None and not source.is_from and not source.names


def _shown(identities: Iterable[str]) -> str:
    return ", ".join(f"{i}.metadata" for i in sorted(identities))


def _explain(registry: _Registry, added: list[_ModelModule]) -> str:
    listed = ", ".join(f"`{m.module}`" for m in added)
    names = ", ".join(
        f"`{n}`" for m in added for i, ns in m.tables.items() if i in registry.metadata for n in ns
    )
    what = {
        "package": "the models package imports its model modules",
        "module": "this module imports the models",
        "env": "alembic's env.py hands this metadata to autogenerate",
    }[registry.kind]
    return (
        f"{registry.path} is a model registry ({what} for {_shown(registry.metadata)}), but "
        f"nothing it imports imports {listed}, so {names} {'is' if ',' not in names else 'are'} "
        "missing from the metadata until something else happens to import "
        f"{'it' if len(added) == 1 else 'them'}: `alembic revision --autogenerate` would drop "
        "the tables, and a relationship that names a missing class fails to resolve. The "
        "imports are added in the file's own style; importing a model module only registers "
        "its tables."
    )


def _cycle(
    registry: _Registry, module: str, model: _ModelModule, names: tuple[str, ...]
) -> Diagnostic:
    return Diagnostic(
        f"the registry does not import {model.module} ({', '.join(names)}), so its tables "
        f"are missing from {_shown(registry.metadata)}; not added, because {model.path} imports "
        f"{module} when it is imported, and the new import could create an import cycle: move "
        f"that import into a function (or import the model where {module} is complete)",
        path=registry.path,
        line=registry.line,
        fixer=NAME,
    )


def _style(lookup: _Lookup, path: str, tree: cst.Module, models: dict[str, _ModelModule]) -> _Style:
    """The form of the registry's last top-level model import (the default: an absolute
    ``from m import X  # noqa: F401``, or relative in a package)."""
    project = lookup.project
    group: list[tuple[int, str]] = []
    template: cst.ImportFrom | cst.Import | None = None
    comment = ""
    bound: set[str] = set()
    for index, statement in enumerate(tree.body):
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        node = statement.body[0]
        if not isinstance(node, (cst.Import, cst.ImportFrom)):
            continue
        item = _as_import(node)
        if any(t in models for t in _targets(lookup, path, item)):
            group.append((index, _sort_key(node)))
            template = node
            if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
                bound.update(code(a.asname.name if a.asname else a.name) for a in node.names)
            trailing = statement.trailing_whitespace.comment
            comment = trailing.value if trailing is not None and "noqa" in trailing.value else ""
    if template is None:
        package = project.is_package(path)
        return _Style("names", package, "" if package else "# noqa: F401")
    if isinstance(template, cst.Import):
        return _Style("import", False, comment, frozenset(bound), tuple(group))
    item = _as_import(template)
    absolute = _absolute(project, path, item.level, item.module) or ""
    if isinstance(template.names, cst.ImportStar):
        form = "star"
    elif all(lookup.resolve(path, f"{absolute}.{n}") for n, _ in item.names):
        form = "module"
    else:
        form = "names"
    return _Style(form, bool(template.relative), comment, frozenset(bound), tuple(group))


def _as_import(node: cst.Import | cst.ImportFrom) -> _Import:
    if isinstance(node, cst.Import):
        return _Import(0, code(node.names[0].name), (), False, 0, True, True)
    module = code(node.module) if node.module is not None else ""
    names = (
        (("*", ""),)
        if isinstance(node.names, cst.ImportStar)
        else tuple((code(a.name), "") for a in node.names)
    )
    return _Import(len(node.relative), module, names, True, 0, True, True)


def _sort_key(node: cst.Import | cst.ImportFrom) -> str:
    if isinstance(node, cst.Import):
        return code(node.names[0].name)
    module = "." * len(node.relative) + (code(node.module) if node.module is not None else "")
    if module.strip(".") == "" and not isinstance(node.names, cst.ImportStar) and node.names:
        return module + code(node.names[0].name)
    return module


def _written(
    project: Project, path: str, style: _Style, model: _ModelModule, names: tuple[str, ...]
) -> tuple[str, tuple[str, ...]]:
    """The import statement for ``model`` in the registry's style, and the names it binds."""
    comment = f"  {style.comment}" if style.comment else ""
    if style.form == "import":
        return f"import {model.module}{comment}", (model.module.split(".")[0],)
    parent, _, last = model.module.rpartition(".")
    if style.form == "module" and parent:
        return f"from {_spelled(project, path, parent, style)} import {last}{comment}", (last,)
    source = _spelled(project, path, model.module, style)
    if style.form == "star":
        return f"from {source} import *{comment}", ()
    return f"from {source} import {', '.join(names)}{comment}", names


def _spelled(project: Project, path: str, module: str, style: _Style) -> str:
    """``module`` as the registry writes it: relative to its package when its imports are."""
    package = project.package_of(path)
    if not style.relative or not package:
        return module
    mine, theirs = package.split("."), module.split(".")
    common = 0
    while common < min(len(mine), len(theirs)) and mine[common] == theirs[common]:
        common += 1
    if common == 0:
        return module
    return "." * (len(mine) - common + 1) + ".".join(theirs[common:])


def _insert(
    tree: cst.Module,
    style: _Style,
    statements: list[tuple[str, cst.SimpleStatementLine, tuple[str, ...]]],
) -> cst.Module:
    """The registry with the new imports: in sorted place when its model imports are sorted,
    else after the last of them (or after the last top-level import)."""
    body = list(tree.body)
    indices = [i for i, _ in style.group]
    keys = [k for _, k in style.group]
    ordered = keys == sorted(keys)
    if indices:
        after = indices[-1] + 1
    else:
        after = max(
            (
                i + 1
                for i, s in enumerate(body)
                if isinstance(s, cst.SimpleStatementLine)
                and all(isinstance(n, (cst.Import, cst.ImportFrom)) for n in s.body)
            ),
            default=1 if body and is_docstring(body[0]) else 0,
        )
    placed: list[tuple[int, cst.SimpleStatementLine]] = []
    for _, statement, _ in statements:
        node = statement.body[0]
        assert isinstance(node, (cst.Import, cst.ImportFrom))
        merged = _merge_into_group(body, indices, node)
        if merged is not None:
            body[merged[0]] = merged[1]
            continue
        position = after
        if ordered:
            key = _sort_key(node)
            position = next((i for i, k in zip(indices, keys, strict=True) if k > key), after)
        placed.append((position, statement))
    # From the bottom, so that earlier positions stay valid (and equal ones keep their order).
    bottom_up = sorted(enumerate(placed), key=lambda p: (p[1][0], p[0]), reverse=True)
    for position, statement in (p for _, p in bottom_up):
        if indices and position == indices[0]:
            # Above the first model import: the comment and blank lines above it stay on top.
            first = body[position]
            statement = statement.with_changes(leading_lines=first.leading_lines)
            body[position] = first.with_changes(leading_lines=())
        body.insert(position, statement)
    return tree.with_changes(body=body)


def _merge_into_group(
    body: Sequence[cst.BaseStatement], indices: list[int], node: cst.Import | cst.ImportFrom
) -> tuple[int, cst.SimpleStatementLine] | None:
    """``from . import task`` joins the registry's ``from . import project, user`` (the last
    model import of several names from the same package), in sorted place if they are sorted."""
    if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
        return None
    written = _from_module(node)
    for index in reversed(indices):
        statement = body[index]
        assert isinstance(statement, cst.SimpleStatementLine)
        existing = statement.body[0]
        if (
            not isinstance(existing, cst.ImportFrom)
            or isinstance(existing.names, cst.ImportStar)
            or len(existing.names) < 2  # one name a statement: the new one gets its own
            or _from_module(existing) != written
        ):
            continue
        aliases = list(existing.names)
        values: list[str | None] = [code(a.name) if a.asname is None else None for a in aliases]
        opening = existing.lpar.whitespace_after if existing.lpar is not None else None
        for alias in node.names:
            _insert_sorted(
                aliases,
                values,
                code(alias.name),
                alias.with_changes(comma=cst.MaybeSentinel.DEFAULT),
                opening,
            )
        return index, statement.with_changes(body=[existing.with_changes(names=aliases)])
    return None


def _from_module(node: cst.ImportFrom) -> str:
    return "." * len(node.relative) + (code(node.module) if node.module is not None else "")


def _sync_all(
    tree: cst.Module, facts: _Facts, style: _Style, bound: list[tuple[str, ...]]
) -> cst.Module:
    """Add the newly bound names to a literal ``__all__`` that lists the imported models."""
    if facts.all_names is None or not (style.bound & set(facts.all_names)):
        return tree
    new = [n for names in bound for n in names if n not in facts.all_names]
    if not new:
        return tree
    body = list(tree.body)
    for index in range(len(body) - 1, -1, -1):  # the last assignment is the one that counts
        statement = body[index]
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        node = statement.body[0]
        target = (
            node.target
            if isinstance(node, cst.AnnAssign)
            else node.targets[0].target
            if isinstance(node, cst.Assign) and len(node.targets) == 1
            else None
        )
        if (
            isinstance(node, (cst.Assign, cst.AnnAssign))
            and isinstance(target, cst.Name)
            and target.value == "__all__"
            and isinstance(node.value, (cst.List, cst.Tuple))
        ):
            body[index] = statement.with_changes(
                body=[node.with_changes(value=_with_strings(node.value, new))]
            )
            return tree.with_changes(body=body)
    return tree


def _with_strings(node: cst.List | cst.Tuple, names: list[str]) -> cst.List | cst.Tuple:
    """``node`` with each name added, in sorted place if the list is sorted, in its layout."""
    elements = [e for e in node.elements if isinstance(e, cst.Element)]
    if len(elements) != len(node.elements):
        return node  # a starred element: not a plain list of names
    values: list[str | None] = []
    for element in elements:
        value = element.value
        evaluated = value.evaluated_value if isinstance(value, cst.SimpleString) else None
        values.append(evaluated if isinstance(evaluated, str) else None)
    quote = '"'
    if elements and isinstance(elements[0].value, cst.SimpleString):
        quote = elements[0].value.quote
    opening = node.lbracket.whitespace_after if isinstance(node, cst.List) else None
    for name in names:
        element = cst.Element(cst.SimpleString(f"{quote}{name}{quote}"))
        _insert_sorted(elements, values, name, element, opening)
    if (
        isinstance(node, cst.Tuple)
        and len(elements) == 1
        and not isinstance(elements[0].comma, cst.Comma)
    ):
        elements[0] = elements[0].with_changes(comma=cst.Comma())
    return node.with_changes(elements=elements)


_Item = TypeVar("_Item", cst.Element, cst.ImportAlias)


def _insert_sorted(
    items: list[_Item],
    values: list[str | None],
    name: str,
    new: _Item,
    opening: cst.BaseParenthesizableWhitespace | None,
) -> None:
    """Put ``new`` (for ``name``) into ``items``, in sorted place if ``values`` are sorted, else
    last; the commas keep the layout (one item a line, or all on one line)."""
    middle: cst.Comma | cst.MaybeSentinel = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    if len(items) > 1 and isinstance(items[0].comma, cst.Comma):
        middle = items[0].comma
    elif isinstance(opening, cst.ParenthesizedWhitespace):
        middle = cst.Comma(whitespace_after=opening)  # one item so far, on its own line
    position = len(items)
    if values == sorted(v for v in values if v is not None):
        position = next((i for i, v in enumerate(values) if v is not None and v > name), position)
    if position < len(items):
        items.insert(position, new.with_changes(comma=middle))
    elif items:
        last = items[-1]
        items[-1] = last.with_changes(comma=middle)
        items.append(new.with_changes(comma=last.comma))
    else:
        items.append(new)
    values.insert(position, name)

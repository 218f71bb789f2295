"""Rename SQLAlchemy model attributes that use a name the Declarative API reserves.

## What it does

A declarative class may not map an attribute named ``metadata``: the name belongs to the
``MetaData`` of its base (SQLAlchemy 2.0 refuses the class with *InvalidRequestError: Attribute
name 'metadata' is reserved when using the Declarative API*; 2.1 warns, and the column then
hides ``Base.metadata`` on that class). 2.1 warns the same way for ``registry``. Field reports:
seed 001 renamed ``metadata`` to ``file_metadata`` by hand, seed 002 wrote
``meta_data = Column("metadata", JSONB)``.

The fixer renames the Python attribute and keeps the database column: ``metadata =
Column(JSON)`` becomes ``meta_data = Column("metadata", JSON)``, ``metadata: Mapped[dict] =
mapped_column(JSON)`` becomes ``meta_data: Mapped[dict] = mapped_column("metadata", JSON)``, a
bare ``metadata: Mapped[dict]`` gets ``= mapped_column("metadata")``; a column that already names
itself keeps its name; a relationship is only renamed. No migration is needed.

The new name is ``meta_data`` for ``metadata`` and ``<name>_`` otherwise, or what
``[tool.fixup.reserved-attributes] rename = {metadata = "extra"}`` says. When the class or a
base class in the project already has that name, ``<class>_<name>`` (``file_metadata``, as in
seed 001) is used instead, then ``<name>_``; a configured name that collides is reported.

Then every use the fixer can prove is a use of the column is renamed, in every module that
names the class (an import at the top, inside a route handler or under ``TYPE_CHECKING``):
``Model(metadata=...)``; ``obj.metadata`` (read or assigned) where ``obj`` is a parameter or
variable annotated with the class, built by ``Model(...)``, loaded by ``session.get(Model, pk)``,
``db.query(Model).get(pk)``, ``query(Model).filter(...).first()``, ``session.scalars(select(Model)
...).first()``/``.one()``, ``session.execute(select(Model)).scalar_one()``, ``rows[0]``, a call of a
function annotated ``-> Model | None``, Flask-SQLAlchemy's ``Model.query.get(pk)`` /
``get_or_404`` / ``first_or_404()``; the loop variable of a ``for`` or a comprehension over
``session.scalars(...)``, ``.all()``, ``execute(...).scalars()``, a ``list[Model]`` parameter;
queries, statements and results kept in variables (``stmt = select(Model)``, ``result = await
session.execute(stmt)``); ``self`` in methods of the class or of a subclass;
``query(Model).filter_by(metadata=...)``; and ``Model.metadata`` where the context shows the
column is meant (``.desc()``, ``.isnot(None)``, ``["key"]``, a comparison, an argument of
``select``/``where``/``order_by``/...).

A Pydantic model that reads attributes (``from_attributes=True``) and has a ``metadata`` field
reads the model's attribute by name. When it could read this model (the model has every field
the schema requires), the field keeps its name, so the API does not change, and reads the new
attribute first: ``metadata: dict | None = Field(default=None, validation_alias=AliasChoices(
"meta_data", "metadata"))``. A schema that requires a field the model does not have (``key``,
``size``) reads another class and is left alone.

Not uses, never renamed and never counted against the fix: the base's ``MetaData``
(``Base.metadata``, ``SQLModel.metadata``, ``models.Base.metadata``, ``db.Model.metadata``,
alembic's ``target_metadata = Base.metadata``), ``MetaData()`` objects and anything a
third-party class builds, ``x.metadata.create_all()`` / ``.tables`` / ``.sorted_tables`` (the
``MetaData`` API), ``Schema.model_validate(obj).metadata``, and modules that never run in a
process with the model's module.

## Safety

After the rename, ``obj.metadata`` no longer fails or reads the column: it silently returns the
base's ``MetaData`` (seed 002's *MetaData() serialization error*). So a use the fixer cannot
rename is reported with its file and line, and decides the fix's safety by type evidence:

- **Certainly this model's** (the fix is **unsafe**, applied only with ``--unsafe-fixes``): a
  class-level use whose meaning the context does not show, ``Model(**data)``,
  ``getattr(obj, "metadata")`` on an instance, an object that is an instance on some paths only,
  a from_attributes schema that could read the model but cannot be rewritten (Pydantic 1's
  ``orm_mode``, a field that has an alias already), and code that reads attributes by column
  name (``getattr(obj, column.name)`` over ``__table__.columns``: the column is still called
  ``metadata``, the attribute is not).
- **An object of unknown type** (an unannotated parameter, ``self.item``, ``getattr(obj,
  "metadata")``): the candidates are the classes in the project that have a ``metadata``
  attribute (a field, a column, a property, ``self.metadata = ...``), among the modules that run
  with the model's. If the module sees another of them (it names it), or it names neither the
  model nor any of them while one exists, the use may be another class's: it is reported
  (a warning; a note under ``-v`` in a module that never names the model) and the fix stays
  safe. If the model is the only class with the attribute the module can see, it is probably a
  use of the model: the fix is unsafe and the line is reported.

A use that belongs to another class never makes this model's fix unsafe. Code outside the
project (other services, templates) cannot be seen; on SQLAlchemy 2.0 the class never loaded
with the old name, so nothing running can depend on it.

## What it won't touch

- Classes that are not declarative models (no ``__tablename__``), Pydantic models and SQLModel
  classes: ``metadata`` is an ordinary field name there. A mixin or abstract base (no
  ``__tablename__``) that defines a ``metadata = Column(...)`` / ``mapped_column(...)`` breaks
  every model inheriting it: it is reported, not renamed (the uses are on other classes).
- Names SQLAlchemy does not reserve this way: dunder names (``__table__``, ``__mapper__``...)
  and ``_sa_`` names are never mapped as columns, so they are not this failure.
- A ``metadata`` member that is not mapped (a method, a property, ``metadata = MetaData()``).
- A declaration it cannot rewrite keeping the column name (several targets, ``Column(*args)``,
  a value that is not ``Column``/``mapped_column``/``relationship``): reported, left alone.
- Modules that never name the class: instances that reach them through function calls are
  not tracked, so their untyped uses are judged as above.

## Example

```diff
 # models/database_models.py
 class ProjectFile(Base):
     __tablename__ = "project_files"
     id = Column(Integer, primary_key=True)
-    metadata = Column(JSON, nullable=True)
+    meta_data = Column("metadata", JSON, nullable=True)
 # services/file_service.py
 def describe(file: ProjectFile) -> dict:
-    return file.metadata or {}
+    return file.meta_data or {}
```

## References

- SQLAlchemy, naming declarative mapped columns explicitly (an attribute name that differs
  from the column name):
  https://docs.sqlalchemy.org/en/20/orm/declarative_tables.html#naming-declarative-mapped-columns-explicitly
- SQLAlchemy source: ``sqlalchemy/orm/decl_base.py``, ``_extract_mappable_attributes``: 2.0
  raises ``InvalidRequestError`` for a mapped ``metadata``; 2.1 warns (``SAWarning``) for
  ``metadata`` bound to anything but a ``MetaData``, and for ``registry``.
"""

from __future__ import annotations

import ast
import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import libcst as cst

from fixup.codemods.instance_attribute_uses import ClassRefs, rename_uses
from fixup.codemods.mapped_column_rename import (
    COLUMN_FACTORIES,
    COLUMN_WRAPPERS,
    RELATIONSHIP_FACTORIES,
    CannotRename,
    rename_mapped_member,
)
from fixup.codemods.nodes import code, dotted_name
from fixup.codemods.sqlalchemy_models import Member, ModelClass, ModuleModels, read_models
from fixup.config import ConfigError
from fixup.fix import Diagnostic, FileChange, Fix, Plan, Provenance
from fixup.fixers import FixerContext, Option
from fixup.fixers._reserved_uses import (
    find_reserved_uses,
    import_from_pydantic,
    returning_functions,
)
from fixup.index import Member as IndexMember
from fixup.index import ProjectIndex, absolute_module, dotted
from fixup.project import Project

ORDER = 50
NAME = __name__.rpartition(".")[2].replace("_", "-")

#: Reserved name -> what it is on a declarative class, and what that object's API offers
#: (``Model.metadata.create_all()`` means the MetaData, not the column).
RESERVED: dict[str, tuple[str, frozenset[str]]] = {
    "metadata": (
        "MetaData",
        frozenset(
            {
                "create_all",
                "drop_all",
                "tables",
                "sorted_tables",
                "reflect",
                "clear",
                "remove",
                "schema",
                "naming_convention",
                "bind",
                "info",
            }
        ),
    ),
    "registry": (
        "registry",
        frozenset(
            {
                "mappers",
                "configure",
                "dispose",
                "generate_base",
                "mapped",
                "map_imperatively",
                "metadata",
                "as_declarative_base",
                "mapped_as_dataclass",
                "type_annotation_map",
                "update_type_annotation_map",
            }
        ),
    ),
}
#: The default new names; other reserved names get ``<name>_``.
DEFAULT_RENAMES = {"metadata": "meta_data"}
#: Names every declarative class has (DeclarativeBase and declarative_base()).
_DECLARATIVE_NAMES = frozenset(
    {"metadata", "registry", "__table__", "__tablename__", "__mapper__", "__mapper_args__"}
)
_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")

OPTIONS = {
    "rename": Option(
        {},
        'New attribute names for reserved ones, e.g. {metadata = "extra_data"}; '
        "default: meta_data for metadata, <name>_ otherwise.",
        kind=dict,
    ),
}


@dataclass(eq=False)
class _Target:
    """One reserved attribute of one declarative class."""

    path: str
    model: ModelClass
    old: str
    new: str
    statement: cst.SimpleStatementLine
    #: Dotted module name of ``path``.
    module: str | None
    files: set[str] = field(default_factory=set)
    #: Uses it could not rename that make the fix unsafe.
    notes: list[Diagnostic] = field(default_factory=list)
    #: Possible uses that may as well be another class's: reported, the fix stays safe.
    reported: list[Diagnostic] = field(default_factory=list)
    renamed_uses: int = 0
    #: Pydantic schemas now reading the new attribute first.
    schemas: list[str] = field(default_factory=list)


def plan(ctx: FixerContext) -> Plan:
    project = ctx.project
    out = Plan()
    configured = ctx.options["rename"]
    for name, value in configured.items():
        if not (isinstance(value, str) and _IDENTIFIER.match(value)) or value in _DECLARATIVE_NAMES:
            raise ConfigError(
                f"[tool.fixup.{NAME}] rename: {name} = {value!r} is not a usable attribute name"
            )
    models = _Models(project)
    targets = _find_targets(ctx.index, models, configured, out)
    if not targets:
        return out
    edits: dict[str, dict[int, cst.SimpleStatementLine | str]] = {}
    imports: dict[str, set[str]] = {}
    for target in targets:
        _plan_declaration(project, target, edits)
    uses = _Uses(ctx.index, models, targets)
    for target in targets:
        uses.plan(target, edits)
    _plan_schemas(project, models, targets, edits, imports)
    dynamic_notes = _reads_by_column_name(project, uses.tree)
    for group in _groups(targets):
        # Code that reads columns by name matters where it can be handed the model's rows.
        dynamic = [
            n
            for n in dynamic_notes
            if any(ctx.index.share_a_process(t.path, n.path or t.path) for t in group)
        ]
        notes = list(dict.fromkeys([n for t in group for n in t.notes] + dynamic))
        out.fixes.append(_make_fix(project, group, edits, imports, doubtful=len(notes)))
        out.diagnostics.extend(notes)
        out.diagnostics.extend(dict.fromkeys(n for t in group for n in t.reported))
    for target in targets:
        if target.path not in target.files:  # the declaration could not be rewritten
            out.diagnostics.extend(target.notes)
    return out


# ---------------------------------------------------------------- finding the targets


class _Models:
    """``read_models`` per file, parsed once (None for a file that does not parse)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._cache: dict[str, ModuleModels | None] = {}

    def get(self, path: str) -> ModuleModels | None:
        if path not in self._cache:
            try:
                self._cache[path] = read_models(self.project.parse(path), self.project.files[path])
            except cst.ParserSyntaxError:
                self._cache[path] = None
        return self._cache[path]


def _find_targets(
    index: ProjectIndex, models: _Models, configured: Mapping[str, str], out: Plan
) -> list[_Target]:
    project = index.project
    targets: list[_Target] = []
    for path in sorted(project.files_containing(*RESERVED)):
        if not _maps_reserved(index, path):
            continue
        found = models.get(path)
        if found is None:
            continue
        for model in found.classes.values():
            if model.kind == "plain":
                out.diagnostics.extend(_mixin_notes(path, model))
            if model.kind != "sqlalchemy":
                continue
            for old in RESERVED:
                member = model.members.get(old)
                if member is None or member.kind not in ("column", "relationship"):
                    continue
                if not isinstance(member.statement, cst.SimpleStatementLine):
                    continue
                chosen = {t.new for t in targets if t.model is model}
                new = _new_name(project, models, path, model, old, configured, chosen)
                if new is None:
                    wanted = configured.get(old, DEFAULT_RENAMES.get(old, f"{old}_"))
                    out.diagnostics.append(
                        Diagnostic(
                            f"{model.name}.{old} is reserved by SQLAlchemy's Declarative API, "
                            f"but {model.name} (or a base class) already has `{wanted}`: "
                            f"choose a free name in [tool.fixup.{NAME}] rename",
                            path=path,
                            line=member.line,
                            fixer=NAME,
                        )
                    )
                    continue
                targets.append(
                    _Target(path, model, old, new, member.statement, project.module_name(path))
                )
    return targets


def _maps_reserved(index: ProjectIndex, path: str) -> bool:
    """The quick check, on the index: a class that assigns a reserved name in its body, and
    has a ``__tablename__`` or assigns it a column (a mixin)."""
    if index.facts(path).syntax_error:
        return True  # let libcst report it its own way
    for cls in index.classes(path):
        mapped = [m for m in cls.members if m.name in RESERVED and _looks_mapped(m)]
        if mapped and (
            "__tablename__" in cls.body_names or any(m.called in COLUMN_FACTORIES for m in mapped)
        ):
            return True
    return False


def _looks_mapped(member: IndexMember) -> bool:
    """``= Column(...)``/``relationship(...)``/..., or a ``Mapped[...]`` annotation."""
    return member.called in COLUMN_FACTORIES | COLUMN_WRAPPERS | RELATIONSHIP_FACTORIES or (
        member.mapped
    )


def _mixin_notes(path: str, model: ModelClass) -> Iterator[Diagnostic]:
    """A column with a reserved name on a class without ``__tablename__`` (a mixin, an abstract
    base): every model that inherits it fails; which ones do is not this module's to know."""
    for old in RESERVED:
        member = model.members.get(old)
        if member is None or member.kind != "column":
            continue
        small = (
            member.statement.body[0]
            if isinstance(member.statement, cst.SimpleStatementLine)
            else None
        )
        value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
        called = dotted_name(value.func) if isinstance(value, cst.Call) else None
        if (called or "").rpartition(".")[2] not in COLUMN_FACTORIES:
            continue
        new = DEFAULT_RENAMES.get(old, f"{old}_")
        yield Diagnostic(
            f"{model.name}.{old} is a column on a class without __tablename__ (a mixin or "
            f"abstract base): every model inheriting it fails with SQLAlchemy's reserved-name "
            f"error. Left alone (its users are models of other classes); rename it by hand and "
            f'keep the column name, e.g. `{new} = Column("{old}", ...)`',
            path=path,
            line=member.line,
            fixer=NAME,
        )


def _new_name(
    project: Project,
    models: _Models,
    path: str,
    model: ModelClass,
    old: str,
    configured: Mapping[str, str],
    chosen: set[str],
) -> str | None:
    taken = _DECLARATIVE_NAMES | chosen | _class_names(project, models, path, model)
    if old in configured:
        return configured[old] if configured[old] not in taken else None
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", model.name).lower()
    for candidate in (DEFAULT_RENAMES.get(old, f"{old}_"), f"{snake}_{old}", f"{old}_"):
        if candidate not in taken:
            return candidate
    return None


def _class_names(
    project: Project, models: _Models, path: str, model: ModelClass, depth: int = 0
) -> set[str]:
    """Attribute names of ``model``, its bases in the project, and its subclasses in its module."""
    names = set(model.members)
    found = models.get(path)
    if found is None or depth > 8:
        return names
    for other in found.classes.values():
        if model.name in {b.rpartition(".")[2] for b in other.bases} and other is not model:
            names |= set(other.members)
    for base in model.bases:
        located = _locate_class(project, models, path, base)
        if located is not None:
            names |= _class_names(project, models, located[0], located[1], depth + 1)
    return names


def _locate_class(
    project: Project, models: _Models, path: str, name: str, depth: int = 0
) -> tuple[str, ModelClass] | None:
    """Where the class ``name`` (as used in ``path``) is defined in the project."""
    found = models.get(path)
    if found is None or depth > 8:
        return None
    head, _, rest = name.partition(".")
    if not rest and head in found.classes:
        return path, found.classes[head]
    imported = found.imports.get(head)
    if imported is None:
        return None
    source = _absolute(project, path, imported.module)
    if source is None:
        return None
    if imported.name is None:
        if not rest:
            return None
        # ``import pkg.models`` binds ``pkg`` (``pkg.models.Cls``); ``import pkg.models as m``
        # binds ``m`` (``m.Cls``).
        unaliased = head == source.split(".")[0]
        module, _, cls = (f"{head}.{rest}" if unaliased else f"{source}.{rest}").rpartition(".")
        target = project.resolve(module)
        return _locate_class(project, models, target, cls, depth + 1) if target else None
    qualified = imported.name + (f".{rest}" if rest else "")
    target = project.resolve(source)
    located = _locate_class(project, models, target, qualified, depth + 1) if target else None
    submodule = project.resolve(f"{source}.{imported.name}")
    if located is None and rest and submodule is not None:  # from pkg import models; models.Cls
        located = _locate_class(project, models, submodule, rest, depth + 1)
    return located


def _absolute(project: Project, path: str, written: str) -> str | None:
    bare = written.lstrip(".")
    return absolute_module(project.package_of(path), len(written) - len(bare), bare or None)


# ---------------------------------------------------------------- planning the edits


def _plan_declaration(
    project: Project, target: _Target, edits: dict[str, dict[int, cst.SimpleStatementLine | str]]
) -> None:
    mapped_column = None
    for local, imported in read_models(project.parse(target.path)).imports.items():
        if (imported.module, imported.name) == ("sqlalchemy.orm", "mapped_column"):
            mapped_column = local
        elif (imported.module, imported.name) == ("sqlalchemy", "orm"):
            mapped_column = mapped_column or f"{local}.mapped_column"
        elif (imported.module, imported.name) == ("sqlalchemy.orm", None):
            # ``import sqlalchemy.orm`` binds ``sqlalchemy``; ``... as so`` binds ``so``.
            module = "sqlalchemy.orm" if local == "sqlalchemy" else local
            mapped_column = mapped_column or f"{module}.mapped_column"
    try:
        new = rename_mapped_member(target.statement, target.old, target.new, mapped_column)
    except CannotRename as exc:
        target.notes.append(
            Diagnostic(
                f"{target.model.name}.{target.old} is reserved by SQLAlchemy's Declarative API "
                f"and left alone: {exc}",
                path=target.path,
                line=target.model.members[target.old].line,
                fixer=NAME,
            )
        )
        return
    edits.setdefault(target.path, {})[id(target.statement)] = new
    target.files.add(target.path)


class _Import(NamedTuple):
    """One name an import binds, anywhere in a file (a function's body included)."""

    local: str
    #: As written, with leading dots; for ``import a.b`` the whole dotted name.
    module: str
    #: The imported name, or None for ``import m``.
    name: str | None


class _Uses:
    """Finds every use of each target's attribute in the project and judges what it cannot
    prove (see "Safety" in the module docstring). Per-file facts are read once."""

    def __init__(self, index: ProjectIndex, models: _Models, targets: list[_Target]) -> None:
        self.index = index
        self.project = index.project
        self.models = models
        self.targets = targets
        self._trees: dict[str, ast.Module] = {}
        self._family: dict[int, set[str]] = {}
        self._all_returning: dict[int, set[str]] = {}
        self._imports: dict[str, list[_Import]] = {}
        self._identifiers: dict[str, set[str]] = {}
        self._refs: dict[tuple[str, int], ClassRefs | None] = {}
        self._returning: dict[tuple[str, int], set[str]] = {}
        self._holders: dict[int, dict[str, tuple[str, int]]] = {}

    # ------------------------------------------------------------ per file

    def tree(self, path: str) -> ast.Module:
        """The file's ``ast`` (an empty module when it does not parse), parsed once."""
        if path not in self._trees:
            try:
                self._trees[path] = ast.parse(self.project.files[path])
            except (SyntaxError, ValueError):
                self._trees[path] = ast.Module(body=[], type_ignores=[])
        return self._trees[path]

    def imports(self, path: str) -> list[_Import]:
        if path not in self._imports:
            found: list[_Import] = []
            for node in ast.walk(self.tree(path)):
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        local = alias.asname or alias.name.split(".")[0]
                        found.append(_Import(local, alias.name, None))
                elif isinstance(node, ast.ImportFrom):
                    written = "." * node.level + (node.module or "")
                    for alias in node.names:
                        if alias.name != "*":
                            found.append(_Import(alias.asname or alias.name, written, alias.name))
            self._imports[path] = found
        return self._imports[path]

    def identifiers(self, path: str) -> set[str]:
        """Every name and attribute name the file mentions (which classes can it see)."""
        if path not in self._identifiers:
            names: set[str] = set()
            for node in ast.walk(self.tree(path)):
                if isinstance(node, ast.Name):
                    names.add(node.id)
                elif isinstance(node, ast.Attribute):
                    names.add(node.attr)
                elif isinstance(node, ast.alias):
                    names.add(node.asname or node.name.rpartition(".")[2])
                elif isinstance(node, ast.ClassDef):
                    names.add(node.name)
            self._identifiers[path] = names
        return self._identifiers[path]

    def third_party(self, path: str) -> set[str]:
        """Local names ``path`` imports from outside the project."""
        outside = set()
        for imported in self.imports(path):
            if imported.module.startswith("."):
                continue
            inside = self.project.resolve(imported.module) is not None or (
                imported.name is not None
                and self.project.resolve(f"{imported.module}.{imported.name}") is not None
            )
            if not inside:
                outside.add(imported.local)
        return outside

    def refs(self, path: str, target: _Target) -> ClassRefs | None:
        """How ``path`` names the target class (imports inside functions included), or None."""
        key = (path, id(target))
        if key not in self._refs:
            # Every way of naming the class (``Cls``, ``models.Cls``) has its name in the text.
            text = self.project.files[path]
            named = any(name in text for name in self.family(target))
            self._refs[key] = self._class_refs(path, target) if named else None
        return self._refs[key]

    def _class_refs(self, path: str, target: _Target) -> ClassRefs | None:
        project, cls = self.project, target.model.name
        names: set[str] = set()
        defined_here = None
        if path == target.path:
            names.add(cls)
            defined_here = cls
        bound_elsewhere: set[str] = set()
        for imported in self.imports(path):
            source = _absolute(project, path, imported.module)
            name = self._names_class(path, imported, source, target) if source else None
            if name is None:
                bound_elsewhere.add(imported.local)
            else:
                names.add(name)
        # A name another import also binds may be something else where it is read.
        names = {n for n in names if "." in n or n == defined_here or n not in bound_elsewhere}
        # Subclasses defined here inherit the column (unless they declare the name again).
        found = self.models.get(path) if names else None  # libcst: only where it can matter
        grew = found is not None
        while grew and found is not None:
            grew = False
            for sub in found.classes.values():
                if (
                    sub.name not in names
                    and target.old not in sub.members
                    and any(base in names for base in sub.bases)
                ):
                    names.add(sub.name)
                    grew = True
        if not names:
            return None
        return ClassRefs(frozenset(names), defined_here)

    def family(self, target: _Target) -> set[str]:
        """The class's name and the names of project classes that may inherit from it (their
        bases as written, from the index): only those imports are looked up."""
        if id(target) not in self._family:
            names = {target.model.name}
            classes = [c for path in self.index.paths() for c in self.index.classes(path)]
            grew = True
            while grew:
                grew = False
                for c in classes:
                    if c.name not in names and any(b.rpartition(".")[2] in names for b in c.bases):
                        names.add(c.name)
                        grew = True
            self._family[id(target)] = names
        return self._family[id(target)]

    def _derives(self, path: str, model: ModelClass, target: _Target, depth: int = 0) -> bool:
        """``model`` (defined in ``path``) is the target class or inherits its column."""
        if (path, model.name) == (target.path, target.model.name):
            return True
        if target.old in model.members or depth > 8:
            return False
        for base in model.bases:
            located = _locate_class(self.project, self.models, path, base)
            if located is not None and self._derives(*located, target, depth + 1):
                return True
        return False

    def _names_class(
        self, path: str, imported: _Import, source: str, target: _Target
    ) -> str | None:
        """The dotted name by which this import lets ``path`` name the target class."""
        project, cls = self.project, target.model.name
        if imported.name is None:
            if project.resolve(source) != target.path:
                return None
            # ``import pkg.models`` binds ``pkg``: the class is ``pkg.models.Cls``.
            unaliased = imported.local == source.split(".")[0]
            return f"{source if unaliased else imported.local}.{cls}"
        module_file = project.resolve(source)
        # An import of the class keeps its name (``as`` only renames the local binding).
        if imported.name in self.family(target) and module_file is not None:
            located = _locate_class(project, self.models, module_file, imported.name)
            if located is not None and self._derives(*located, target):
                return imported.local  # the class, or a subclass that inherits the column
        if project.resolve(f"{source}.{imported.name}") == target.path:
            return f"{imported.local}.{cls}"  # from pkg import models; models.Cls
        return None

    def returning(self, path: str, target: _Target) -> set[str]:
        """Local names of functions ``path`` imports from the project that return an instance."""
        found: set[str] = set()
        text = self.project.files[path]
        if not any(name in text for name in self.all_returning(target)):
            return found
        for imported in self.imports(path):
            source = _absolute(self.project, path, imported.module)
            module_file = self.project.resolve(source) if source else None
            if (
                imported.name is not None
                and module_file is not None
                and imported.name in self.functions_returning(module_file, target)
            ):
                found.add(imported.local)
        return found

    def all_returning(self, target: _Target) -> set[str]:
        """Every function in the project annotated to return the class (a cheap prefilter:
        such a function lives in a module that names the class)."""
        if id(target) not in self._all_returning:
            found: set[str] = set()
            for path in self.project.files_containing(*self.family(target)):
                if "->" in self.project.files[path]:
                    found |= self.functions_returning(path, target)
            self._all_returning[id(target)] = found
        return self._all_returning[id(target)]

    def functions_returning(self, path: str, target: _Target) -> set[str]:
        key = (path, id(target))
        if key not in self._returning:
            refs = self.refs(path, target)
            functions: set[str] = set()
            if refs is not None and "->" in self.project.files[path]:
                with contextlib.suppress(cst.ParserSyntaxError):
                    functions = returning_functions(self.project.parse(path), refs)
            self._returning[key] = functions
        return self._returning[key]

    # ------------------------------------------------------------ the uses

    def plan(
        self, target: _Target, edits: dict[str, dict[int, cst.SimpleStatementLine | str]]
    ) -> None:
        if target.path not in target.files:
            return  # the declaration stays: so do its uses
        class_api = RESERVED[target.old][1]
        for path in sorted(self.project.files_containing(target.old)):
            if self.index.facts(path).syntax_error:
                continue
            refs = self.refs(path, target)
            returning = self.returning(path, target)
            if refs is None and not returning:
                # It never names the class, so nothing in it can be proved: only its reads on
                # untyped parameters may be the model's. A module that never runs beside the
                # model's cannot be handed one of its rows.
                if self.index.share_a_process(target.path, path):
                    for line, what in self.untyped_reads(path, target.old, class_api):
                        self.judge(target, path, False, line, what)
                continue
            try:
                module = self.project.parse(path)
            except cst.ParserSyntaxError:
                continue
            uses = find_reserved_uses(
                module,
                refs or ClassRefs(frozenset()),
                target.old,
                target.new,
                class_api,
                class_name=target.model.name,
                returning=returning,
                third_party=self.third_party(path).__contains__,
            )
            if uses.renames:
                edits.setdefault(path, {}).update(uses.renames)
                target.files.add(path)
                target.renamed_uses += len(uses.renames)
            for line, what in uses.certain:
                target.notes.append(
                    Diagnostic(
                        f"{what}; left alone, so the fix is unsafe: check it by hand "
                        f"({target.model.name}.{target.old} is now `{target.new}`)",
                        path=path,
                        line=line,
                        fixer=NAME,
                    )
                )
            for line, what in uses.possible:
                self.judge(target, path, refs is not None, line, what)

    def untyped_reads(
        self, path: str, old: str, class_api: frozenset[str]
    ) -> list[tuple[int | None, str]]:
        """``p.old`` and ``getattr(p, "old")`` on unannotated parameters ``p`` (not ``self`` or
        ``cls``), except the ``MetaData`` API (``p.metadata.create_all()``): read with ``ast``,
        for modules that never name the class (libcst's scope analysis is for modules that
        can prove something)."""
        tree = self.tree(path)
        metadata_api = {
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr in class_api
        }
        found: dict[tuple[int, int], str] = {}
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            arguments = function.args
            untyped = {
                a.arg
                for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
                if a.annotation is None and a.arg not in ("self", "cls")
            }
            for node in ast.walk(function) if untyped else ():
                receiver: ast.expr | None = None
                if isinstance(node, ast.Attribute) and node.attr == old:
                    if id(node) not in metadata_api:
                        receiver = node.value
                elif (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ("getattr", "hasattr", "setattr")
                    and len(node.args) >= 2
                    and isinstance(node.args[1], ast.Constant)
                    and node.args[1].value == old
                ):
                    receiver = node.args[0]
                if (
                    isinstance(receiver, ast.Name)
                    and receiver.id in untyped
                    and isinstance(node, ast.expr)
                ):
                    found[(node.lineno, node.col_offset)] = (
                        f"`{ast.unparse(node)}`: cannot tell what `{receiver.id}` is"
                    )
        return [(line, what) for (line, _), what in sorted(found.items())]

    def judge(
        self, target: _Target, path: str, names_class: bool, line: int | None, what: str
    ) -> None:
        """A use on an object of unknown type: the model's, or another class's?"""
        model, old, new = target.model.name, target.old, target.new
        others = self.holders(target)
        seen = sorted(c for c in others if c in self.identifiers(path))
        if seen or (others and not names_class):
            candidates = seen or sorted(others)
            where = ", ".join(f"{c} at {others[c][0]}:{others[c][1]}" for c in candidates[:3])
            target.reported.append(
                Diagnostic(
                    f"{what}: {_a(model)} or another class with `{old}` ({where}); not "
                    f"counted against the fix: if it is {_a(model)}, it must read `{new}` now",
                    path=path,
                    line=line,
                    fixer=NAME,
                    severity="warning" if names_class else "info",
                )
            )
            return
        target.notes.append(
            Diagnostic(
                f"{what}, and no other class in the project has `{old}`: probably "
                f"{model}.{old}, left alone, so the fix is unsafe: check it by hand (it is "
                f"`{new}` now)",
                path=path,
                line=line,
                fixer=NAME,
            )
        )

    def holders(self, target: _Target) -> dict[str, tuple[str, int]]:
        """Other classes, in modules that run beside the model's, that have the attribute:
        in their body (a field, a column, a property) or as ``self.<name> = ...``."""
        if id(target) in self._holders:
            return self._holders[id(target)]
        old = target.old
        ours = {(t.path, t.model.name) for t in self.targets if t.old == old}
        found: dict[str, tuple[str, int]] = {}
        for path in sorted(self.project.files_containing(old)):
            if not self.index.share_a_process(target.path, path):
                continue
            for node in ast.walk(self.tree(path)):
                if isinstance(node, ast.ClassDef) and (path, node.name) not in ours:
                    line = _binds_attribute(node, old)
                    if line is not None:
                        found.setdefault(node.name, (path, line))
        self._holders[id(target)] = found
        return found


def _a(name: str) -> str:
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _binds_attribute(cls: ast.ClassDef, name: str) -> int | None:
    """The line where ``cls`` gives its instances ``name``; a ``MetaData()`` is not one."""
    for statement in cls.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if statement.name == name:
                return statement.lineno
            for node in ast.walk(statement):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.ctx, ast.Store)
                    and node.attr == name
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "self"
                ):
                    return node.lineno
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        value = getattr(statement, "value", None)
        makes_metadata = isinstance(value, ast.Call) and (dotted(value.func) or "").endswith(
            "MetaData"
        )
        if any(isinstance(t, ast.Name) and t.id == name for t in targets) and not makes_metadata:
            return statement.lineno
    return None


# ---------------------------------------------------------------- schemas that read the attribute

#: Bases whose attributes are SQLAlchemy's own: a model's attributes are its project classes'.
_DECLARATIVE_ROOTS = frozenset(
    {"DeclarativeBase", "DeclarativeBaseNoMeta", "Model", "AsyncAttrs", "MappedAsDataclass"}
)


@dataclass(frozen=True, eq=False)
class _Schema:
    """A Pydantic model that reads attributes (``from_attributes``/``orm_mode``) and has a
    field with a reserved name (perhaps declared on a base class in the same module)."""

    path: str
    name: str
    old: str
    #: The field's declaration, and the line.
    statement: cst.BaseStatement
    line: int | None
    #: The fields without a default: an object the schema reads must have them all.
    required: frozenset[str]
    #: ``from_attributes`` (Pydantic 2) or only ``orm_mode`` (Pydantic 1's spelling).
    v2: bool


def _schemas_reading(project: Project, models: _Models, names: set[str]) -> list[_Schema]:
    found_schemas: list[_Schema] = []
    member = re.compile(rf"^[ \t]+(?:{'|'.join(sorted(names))})[ \t]*:", re.M)
    for path in sorted(project.files_containing("from_attributes", "orm_mode")):
        if not member.search(project.files[path]):
            continue
        found = models.get(path)
        if found is None:
            continue
        for model in found.classes.values():
            if model.kind != "pydantic":
                continue
            lineage = _same_module_lineage(found, model)
            reading = [c for c in lineage if _reads_attributes(c)]
            if not reading:
                continue
            fields: dict[str, Member] = {}
            for cls in reversed(lineage):
                fields.update(
                    {
                        n: m
                        for n, m in cls.members.items()
                        if _annotated(m.statement) and n != "model_config"
                    }
                )
            v2 = any("from_attributes" in code(c.node) for c in reading)
            required = frozenset(n for n, m in fields.items() if _required(m.statement))
            for old in sorted(names & set(fields)):
                field_ = fields[old]
                found_schemas.append(
                    _Schema(path, model.name, old, field_.statement, field_.line, required, v2)
                )
    return found_schemas


def _same_module_lineage(found: ModuleModels, model: ModelClass) -> list[ModelClass]:
    """``model`` and its base classes defined in the same module, nearest first."""
    lineage, pending = [model], [model]
    while pending and len(lineage) < 16:
        for base in pending.pop().bases:
            cls = found.classes.get(base)
            if cls is not None and cls not in lineage:
                lineage.append(cls)
                pending.append(cls)
    return lineage


def _annotated(statement: cst.BaseStatement) -> bool:
    small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
    return isinstance(small, cst.AnnAssign) and "ClassVar" not in code(small.annotation.annotation)


def _required(statement: cst.BaseStatement) -> bool:
    """A field without a default (``x: int``, ``x: int = Field(...)``, ``Field(alias=...)``)."""
    small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
    if not isinstance(small, cst.AnnAssign):
        return False
    value = small.value
    if value is None:
        return True
    if isinstance(value, cst.Call) and (dotted_name(value.func) or "").endswith("Field"):
        keywords = {a.keyword.value for a in value.args if a.keyword is not None}
        positional = [a.value for a in value.args if a.keyword is None]
        if keywords & {"default", "default_factory"}:
            return False
        return not positional or isinstance(positional[0], cst.Ellipsis)
    return False


def _could_read(project: Project, models: _Models, target: _Target, schema: _Schema) -> bool:
    """Could ``schema`` validate an instance of the target model? Not when it requires a field
    the model (with its bases in the project) does not have; a base outside the project, which
    may add attributes, leaves it possible."""
    attributes = _model_attributes(project, models, target.path, target.model)
    if attributes is None:
        return True
    return not (schema.required - attributes - _backrefs(project) - {target.old})


def _model_attributes(
    project: Project, models: _Models, path: str, model: ModelClass, depth: int = 0
) -> set[str] | None:
    names = set(model.members)
    for base in model.bases:
        located = _locate_class(project, models, path, base)
        if located is None:
            last = base.rpartition(".")[2]
            if last in _DECLARATIVE_ROOTS or last.endswith("Base") or last == "object":
                continue
            return None
        inherited = (
            _model_attributes(project, models, located[0], located[1], depth + 1)
            if depth < 8
            else None
        )
        if inherited is None:
            return None
        names |= inherited
    return names


def _backrefs(project: Project) -> set[str]:
    """Attributes ``relationship(..., backref="x")`` adds to other classes."""
    pattern = re.compile(r"""backref\s*(?:=|\()\s*(?:backref\(\s*)?["'](\w+)["']""")
    found: set[str] = set()
    for path in project.files_containing("backref"):
        found.update(pattern.findall(project.files[path]))
    return found


def _plan_schemas(
    project: Project,
    models: _Models,
    targets: list[_Target],
    edits: dict[str, dict[int, cst.SimpleStatementLine | str]],
    imports: dict[str, set[str]],
) -> None:
    """Schemas that could read a renamed attribute read the new one first: the field keeps its
    name (the API does not change) and gets ``validation_alias=AliasChoices(new, old)``."""
    planned = [t for t in targets if t.path in t.files]
    done: set[int] = set()
    for schema in _schemas_reading(project, models, {t.old for t in planned}):
        readers = [
            t for t in planned if t.old == schema.old and _could_read(project, models, t, schema)
        ]
        if not readers or id(schema.statement) in done:
            continue
        found = models.get(schema.path)
        rewritten = (
            _aliased_field(schema, [t.new for t in readers], found)
            if schema.v2 and found is not None
            else "it uses Pydantic 1's orm_mode"
        )
        if isinstance(rewritten, str):
            for target in readers:
                target.notes.append(_schema_note(target, schema, rewritten))
            continue
        statement, needed = rewritten
        done.add(id(schema.statement))
        edits.setdefault(schema.path, {})[id(schema.statement)] = statement
        imports.setdefault(schema.path, set()).update(needed)
        for target in readers:
            target.files.add(schema.path)
            target.schemas.append(schema.name)


def _aliased_field(
    schema: _Schema, new_names: list[str], found: ModuleModels
) -> tuple[cst.SimpleStatementLine, set[str]] | str:
    """The field declaration with ``validation_alias=AliasChoices(new..., old)``, and the
    names to import from pydantic; or why it is left alone."""
    statement = schema.statement
    small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
    if not isinstance(statement, cst.SimpleStatementLine) or not isinstance(small, cst.AnnAssign):
        return "its declaration has a shape fixup does not rewrite"
    needed = set()
    for name in ("Field", "AliasChoices"):
        imported = found.imports.get(name)
        if imported is None and name not in found.definitions:
            needed.add(name)
        elif imported is None or (imported.module, imported.name) != ("pydantic", name):
            return f"`{name}` there is not pydantic's"
    if "Field(" in code(small.annotation.annotation):
        return "its Annotated[...] already holds a Field"
    choices = ", ".join(f'"{n}"' for n in dict.fromkeys([*new_names, schema.old]))
    alias = cst.Arg(
        keyword=cst.Name("validation_alias"),
        value=cst.parse_expression(f"AliasChoices({choices})"),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    value = small.value
    if value is None:
        call = cst.Call(cst.Name("Field"), [alias])
    elif isinstance(value, cst.Call) and (dotted_name(value.func) or "").endswith("Field"):
        if any(
            a.keyword is not None and a.keyword.value in ("alias", "validation_alias")
            for a in value.args
        ):
            return "its Field already has an alias"
        args = list(value.args)
        if args and isinstance(args[-1].comma, cst.Comma):  # a trailing comma: keep the layout
            alias = alias.with_changes(comma=args[-1].comma)
        elif args:
            args[-1] = args[-1].with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
        call = value.with_changes(args=[*args, alias])
    else:
        default = cst.Arg(
            keyword=cst.Name("default"),
            value=value,
            equal=alias.equal,
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
        )
        call = cst.Call(cst.Name("Field"), [default, alias])
    equal = small.equal
    if value is None:
        equal = cst.AssignEqual(cst.SimpleWhitespace(" "), cst.SimpleWhitespace(" "))
    return statement.with_changes(body=[small.with_changes(value=call, equal=equal)]), needed


def _schema_note(target: _Target, schema: _Schema, reason: str) -> Diagnostic:
    old, new = target.old, target.new
    return Diagnostic(
        f"Pydantic model {schema.name} reads `{old}` from ORM objects (from_attributes) and may "
        f"read {target.model.name}s: after the rename it would read the base's "
        f"{RESERVED[old][0]}. Left alone ({reason}), so the fix is unsafe: keep the API field "
        f"and read the new attribute first, e.g. `{old}: ... = Field(validation_alias="
        f'AliasChoices("{new}", "{old}"))` on Pydantic 2',
        path=schema.path,
        line=schema.line,
        fixer=NAME,
    )


def _reads_attributes(model: ModelClass) -> bool:
    source = cst.Module([]).code_for_node(model.node)
    return bool(
        re.search(
            r"\b(from_attributes|orm_mode)\b\s*[=:]\s*True|\"(from_attributes|orm_mode)\"\s*:\s*True",
            source,
        )
    )


def _reads_by_column_name(
    project: Project, tree_of: Callable[[str], ast.Module]
) -> list[Diagnostic]:
    """Functions that loop over ``__table__.columns`` and ``getattr`` by a computed name."""
    notes: list[Diagnostic] = []
    for path in sorted(project.files_containing("__table__")):
        if "getattr" not in project.files[path]:
            continue
        for function in ast.walk(tree_of(path)):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if _walks_columns(function) and any(_dynamic_getattr(n) for n in ast.walk(function)):
                notes.append(
                    Diagnostic(
                        f"{function.name}() reads attributes by column name (getattr over "
                        "__table__.columns): a renamed attribute keeps its column name, so it "
                        "would read the base's object instead; use the mapper's attribute keys "
                        "(sqlalchemy.inspect(obj).mapper.column_attrs)",
                        path=path,
                        line=function.lineno,
                        fixer=NAME,
                    )
                )
    return notes


def _walks_columns(function: ast.AST) -> bool:
    return any(
        isinstance(node, ast.Attribute)
        and node.attr in ("columns", "c")
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "__table__"
        for node in ast.walk(function)
    )


def _dynamic_getattr(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and len(node.args) >= 2
        and not isinstance(node.args[1], ast.Constant)
    )


# ---------------------------------------------------------------- the fixes


def _groups(targets: list[_Target]) -> Iterator[list[_Target]]:
    """Targets whose edits share a file go into one fix (a fix is all or nothing)."""
    planned = [t for t in targets if t.path in t.files]
    parent = list(range(len(planned)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, target in enumerate(planned):
        for path in target.files:
            if path in owner:
                parent[find(i)] = find(owner[path])
            else:
                owner[path] = i
    groups: dict[int, list[_Target]] = {}
    for i, target in enumerate(planned):
        groups.setdefault(find(i), []).append(target)
    yield from groups.values()


def _make_fix(
    project: Project,
    group: list[_Target],
    edits: dict[str, dict[int, cst.SimpleStatementLine | str]],
    imports: Mapping[str, set[str]],
    doubtful: int,
) -> Fix:
    paths = sorted({p for t in group for p in t.files})
    changes = []
    for path in paths:
        before = project.files[path]
        replacements = {
            k: v for k, v in edits[path].items() if isinstance(v, cst.SimpleStatementLine)
        }
        renames = {k: v for k, v in edits[path].items() if isinstance(v, str)}
        module = rename_uses(project.parse(path), renames, replacements)
        if imports.get(path):
            module = import_from_pydantic(module, imports[path])
        after = module.code
        if after != before:
            changes.append(FileChange(path, before, after))
    names = ", ".join(f"{t.model.name}.{t.old} -> {t.new}" for t in group)
    uses = sum(t.renamed_uses for t in group)
    explanation = (
        "SQLAlchemy's Declarative API reserves "
        + ", ".join(sorted({f"`{t.old}` (the base's {RESERVED[t.old][0]})" for t in group}))
        + ": SQLAlchemy 2.0 refuses such a class at import ('Attribute name ... is reserved "
        "when using the Declarative API'), 2.1 warns and the column hides the base's object. "
        "The Python attribute is renamed and the column keeps its name, so the table and its "
        f"data do not change; {uses} use{'s' * (uses != 1)} in the project renamed with it."
    )
    schemas = sorted({s for t in group for s in t.schemas})
    if schemas:
        explanation += (
            f" {', '.join(schemas)} (Pydantic, from_attributes) read{'s' * (len(schemas) == 1)} "
            "the attribute from ORM objects: the field keeps its name, so the API does not "
            "change, and reads the new attribute first (validation_alias=AliasChoices(...))."
        )
    if doubtful:
        explanation += (
            f" {doubtful} possible use{'s' * (doubtful != 1)} could not be renamed safely "
            f"(reported): after the rename {'they' if doubtful != 1 else 'it'} would read the "
            "base's object, so this fix is unsafe until checked."
        )
    return Fix(
        fixer=NAME,
        title=f"Rename reserved attribute{'s' * (len(group) != 1)} {names}",
        explanation=explanation,
        changes=tuple(changes),
        provenance=tuple(
            Provenance(
                f"{t.path}:{t.model.line}: class {t.model.name} maps `{t.old}` "
                f"(column name kept: the attribute changes, the table does not)",
                path=t.path,
            )
            for t in group
        ),
        safe=doubtful == 0,
    )

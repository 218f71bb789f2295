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

Then every use the fixer can prove is a use of the column is renamed, in the modules that name
the class: ``Model(metadata=...)``; ``obj.metadata`` where ``obj`` is a parameter or variable
annotated with the class, built by ``Model(...)``, loaded by ``session.get(Model, pk)``,
``session.query(Model)...first()``, ``session.scalars(select(Model)...).first()`` /
``session.scalar(select(Model))`` (awaited or not), a loop over such a query's results, or
``self`` in methods of the class or of a subclass; ``query(Model).filter_by(metadata=...)``; and
``Model.metadata`` where the context shows the column is meant (``.desc()``, ``["key"]``, a
comparison, an argument of ``select``/``where``/``order_by``/...).

``Model.metadata.create_all()`` and other uses of the ``MetaData`` API (``.tables``,
``.sorted_tables``...) mean the base's ``MetaData``, on 2.0 the only thing they could mean,
and are left alone.

## Safety

After the rename, ``obj.metadata`` no longer fails or reads the column: it silently returns the
base's ``MetaData`` (seed 002's *MetaData() serialization error*). So the fix is **safe** only
when every possible use found was renamed. It is marked **unsafe** (applied only with
``--unsafe-fixes``) and each doubtful use is reported with its file and line when there is:

- a use on an object whose type the fixer cannot prove (``item.metadata`` of an unannotated
  parameter, ``rows[0].metadata``), a class-level use whose meaning the context does not show,
  ``Model(**data)``, ``getattr(obj, "metadata")``, a ``filter_by(metadata=...)`` on an unknown
  query;
- a Pydantic model with ``from_attributes=True`` (or ``orm_mode``) that has a ``metadata``
  field: it reads the attribute by name. Its field name is part of the API, so it is not
  renamed; the report suggests ``metadata: dict = Field(validation_alias=AliasChoices(
  "metadata", "meta_data"))``, which keeps the API and reads the new attribute;
- code that reads attributes by column name (``getattr(obj, column.name)`` over
  ``__table__.columns``): the column is still called ``metadata``, the attribute is not.

Code outside the project (other services, templates) cannot be seen; on SQLAlchemy 2.0 the
class never loaded with the old name, so nothing running can depend on it.

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
- Modules that never name the class (no import of it or of its module): instances that reach
  them through function calls are not tracked.

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
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import libcst as cst

from fixup.codemods.instance_attribute_uses import (
    AttributeUses,
    ClassRefs,
    find_uses,
    rename_uses,
)
from fixup.codemods.mapped_column_rename import (
    COLUMN_FACTORIES,
    COLUMN_WRAPPERS,
    RELATIONSHIP_FACTORIES,
    CannotRename,
    rename_mapped_member,
)
from fixup.codemods.nodes import dotted_name
from fixup.codemods.sqlalchemy_models import ModelClass, ModuleModels, read_models
from fixup.config import ConfigError
from fixup.fix import Diagnostic, FileChange, Fix, Plan, Provenance
from fixup.fixers import FixerContext, Option
from fixup.index import Member, ProjectIndex, absolute_module
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
    notes: list[Diagnostic] = field(default_factory=list)
    renamed_uses: int = 0


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
    for target in targets:
        _plan_declaration(project, target, edits)
        _plan_uses(project, models, target, edits)
    schema_notes = _schemas_reading(project, models, {t.old for t in targets})
    dynamic_notes = _reads_by_column_name(project)
    for group in _groups(targets):
        notes = [n for t in group for n in t.notes]
        notes += [
            _schema_note(t, path, schema, line)
            for t in group
            for old, path, schema, line in schema_notes
            if old == t.old
        ]
        notes += dynamic_notes
        notes = list(dict.fromkeys(notes))
        out.fixes.append(_make_fix(project, group, edits, doubtful=len(notes)))
        out.diagnostics.extend(notes)
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


def _looks_mapped(member: Member) -> bool:
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


def _plan_uses(
    project: Project,
    models: _Models,
    target: _Target,
    edits: dict[str, dict[int, cst.SimpleStatementLine | str]],
) -> None:
    if target.path not in target.files:
        return  # the declaration stays: so do its uses
    class_api = RESERVED[target.old][1]
    # Cheap prefilter: a module that names the class mentions it and a part of its module's name.
    parts = (target.module or "").split(".")
    for path in sorted(project.files_containing(target.model.name)):
        text = project.files[path]
        if path != target.path and not any(part and part in text for part in parts):
            continue
        refs = _class_refs(project, models, path, target)
        if refs is None:
            continue
        uses = find_uses(
            project.parse(path), refs, target.old, target.new, class_api, AttributeUses()
        )
        if uses.renames:
            edits.setdefault(path, {}).update(uses.renames)
            target.files.add(path)
            target.renamed_uses += len(uses.renames)
        for line, what in uses.unsure:
            target.notes.append(
                Diagnostic(
                    f"{what}; left alone, so the fix is unsafe: check it by hand "
                    f"({target.model.name}.{target.old} is now `{target.new}`)",
                    path=path,
                    line=line,
                    fixer=NAME,
                )
            )


def _class_refs(project: Project, models: _Models, path: str, target: _Target) -> ClassRefs | None:
    """How ``path`` names the target class, or None when it does not."""
    found = models.get(path)
    if found is None:
        return None
    cls = target.model.name
    names: set[str] = set()
    defined_here = None
    if path == target.path:
        names.add(cls)
        defined_here = cls
    for local, imported in found.imports.items():
        source = _absolute(project, path, imported.module)
        if source is None:
            continue
        if imported.name is None:
            if project.resolve(source) == target.path:
                # ``import pkg.models`` binds ``pkg``: the class is ``pkg.models.Cls``.
                unaliased = local == source.split(".")[0]
                names.add(f"{source if unaliased else local}.{cls}")
            continue
        module_file = project.resolve(source)
        # An import of the class keeps its name (``as`` only renames the local binding).
        if (
            imported.name == cls
            and module_file is not None
            and _located_at(project, models, module_file, imported.name, target)
        ):
            names.add(local)
        elif project.resolve(f"{source}.{imported.name}") == target.path:
            names.add(f"{local}.{cls}")  # from pkg import models; models.Cls
    if not names:
        return None
    return ClassRefs(frozenset(names), defined_here)


def _located_at(
    project: Project, models: _Models, module_file: str, name: str, target: _Target
) -> bool:
    located = _locate_class(project, models, module_file, name)
    return (
        located is not None and located[0] == target.path and located[1].name == target.model.name
    )


# ---------------------------------------------------------------- what else reads the attribute


def _schemas_reading(
    project: Project, models: _Models, names: set[str]
) -> list[tuple[str, str, str, int | None]]:
    """Pydantic models that read attributes (``from_attributes``) and have a reserved-name field.

    Each as (field name, path, class name, line).
    """
    found_schemas: list[tuple[str, str, str, int | None]] = []
    member = re.compile(rf"^[ \t]+(?:{'|'.join(sorted(names))})[ \t]*:", re.M)
    for path in sorted(project.files_containing("from_attributes", "orm_mode")):
        if not member.search(project.files[path]):
            continue
        found = models.get(path)
        if found is None:
            continue
        reading = {name for name, model in found.classes.items() if _reads_attributes(model)}
        for model in found.classes.values():
            if model.kind != "pydantic":
                continue
            inherits = {b.rpartition(".")[2] for b in model.bases} & reading
            if model.name not in reading and not inherits:
                continue
            for old in sorted(names & set(model.members)):
                found_schemas.append((old, path, model.name, model.members[old].line))
    return found_schemas


def _schema_note(target: _Target, path: str, schema: str, line: int | None) -> Diagnostic:
    old, new = target.old, target.new
    return Diagnostic(
        f"Pydantic model {schema} reads `{old}` from ORM objects (from_attributes): after the "
        f"rename of {target.model.name}.{old} it would read the base's {RESERVED[old][0]}. Keep "
        f"the API field and read the new attribute: `{old}: ... = Field(validation_alias="
        f'AliasChoices("{old}", "{new}"))`',
        path=path,
        line=line,
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


def _reads_by_column_name(project: Project) -> list[Diagnostic]:
    """Functions that loop over ``__table__.columns`` and ``getattr`` by a computed name."""
    notes: list[Diagnostic] = []
    for path in sorted(project.files_containing("__table__")):
        if "getattr" not in project.files[path]:
            continue
        try:
            tree = ast.parse(project.files[path])
        except (SyntaxError, ValueError):
            continue
        for function in ast.walk(tree):
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
        after = rename_uses(project.parse(path), renames, replacements).code
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
    if doubtful:
        explanation += (
            f" {doubtful} possible use{'s' * (doubtful != 1)} could not be renamed safely "
            "(reported): after the rename they would read the base's object, so this fix is "
            "unsafe until they are checked."
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

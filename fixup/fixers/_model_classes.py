"""Facts about model classes (Pydantic, SQLModel, SQLAlchemy declarative, dataclasses), read with ``ast``.

Shared by ``pydantic-namespace`` and ``stale-keywords`` (a module whose name starts with ``_`` is
not a fixer). Every per-file fact comes from ``facts(project, path)``, parsed once per text, so
that it can move to the project index in one place.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass
from functools import lru_cache

from fixup.index import absolute_module
from fixup.project import Project

#: What a class's direct base may be, outside the project, to make it a model of that kind.
PYDANTIC_ROOTS = frozenset(
    {"pydantic.BaseModel", "pydantic.main.BaseModel", "pydantic_settings.BaseSettings"}
)
SQLMODEL_ROOTS = frozenset({"sqlmodel.SQLModel", "sqlmodel.main.SQLModel"})
DECLARATIVE_ROOTS = frozenset(
    {"sqlalchemy.orm.DeclarativeBase", "sqlalchemy.orm.DeclarativeBaseNoMeta"}
)
#: Bases outside the project that define no fields and no configuration of their own.
NEUTRAL_ROOTS = frozenset({"object", "typing.Generic", "abc.ABC"})
DATACLASS_DECORATORS = frozenset({"dataclasses.dataclass", "pydantic.dataclasses.dataclass"})
_DECLARATIVE_FACTORIES = frozenset(
    {"sqlalchemy.orm.declarative_base", "sqlalchemy.ext.declarative.declarative_base"}
)
_MAPPED_FACTORIES = frozenset(
    {"Column", "mapped_column", "relationship", "column_property", "synonym", "composite"}
)


@dataclass(frozen=True)
class Field:
    """An annotated name in a class body (a field of a Pydantic model or a dataclass)."""

    name: str
    line: int
    #: ``ClassVar[...]``: not a field.
    class_var: bool
    #: The literal alias of ``Field(alias=...)`` / ``validation_alias=``; "" for none.
    alias: str
    #: True when the alias is not a string literal (``AliasChoices``, a variable).
    dynamic_alias: bool
    #: Has a default (``= ...``).
    has_default: bool
    #: ``Column(..., primary_key=True)`` / ``mapped_column(primary_key=True)``.
    primary_key: bool = False


@dataclass(frozen=True)
class Config:
    """How a class body sets its Pydantic configuration."""

    #: "call" (``model_config = ConfigDict(...)``), "dict" (``{...}``), "class" (``class
    #: Config:``) or "other" (a name, a call it cannot read).
    form: str
    line: int
    #: Keyword -> source of its value, for the readable forms.
    values: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ClassFacts:
    name: str
    line: int
    #: Bases as written, absolute where imported (``pydantic.BaseModel``, ``app.schemas.Base``,
    #: a local name for a class of the same module).
    bases: tuple[str, ...]
    decorators: tuple[str, ...]
    #: Class keywords as source (``table=True``, ``extra="allow"``).
    keywords: tuple[tuple[str, str], ...]
    fields: tuple[Field, ...]
    #: Every name the body binds (fields, methods, assignments, nested classes).
    members: frozenset[str]
    #: Names assigned ``Column(...)`` / ``mapped_column(...)`` / ``relationship(...)``...
    mapped: tuple[Field, ...]
    config: Config | None
    #: ``def __init__`` in the body: "kwargs" when it takes ``**kwargs``, else "fixed".
    init: str
    #: A before-validator that may consume any input (``model_validator(mode="before")``,
    #: ``root_validator(pre=True)``), or ``__getattr__``/``__setattr__`` tricks.
    dynamic: bool
    has_tablename: bool


@dataclass(frozen=True)
class Keyword:
    name: str
    line: int
    #: Column in characters (not ast's UTF-8 bytes).
    column: int


@dataclass(frozen=True)
class CallFacts:
    #: The called expression as written (``Release``, ``schemas.Release``).
    callee: str
    line: int
    keywords: tuple[Keyword, ...]
    positional: int
    #: ``*args`` or ``**kwargs`` in the call.
    unpacks: bool


@dataclass(frozen=True)
class FileFacts:
    #: Local name -> absolute dotted name it is bound to by an import (``BaseModel`` ->
    #: ``pydantic.BaseModel``; ``import a.b`` binds ``a`` -> ``a``; ``import a.b as m`` -> ``a.b``).
    imports: tuple[tuple[str, str], ...]
    classes: tuple[ClassFacts, ...]
    #: Top-level names bound to ``declarative_base()`` (absolute factory name resolved).
    declarative_bases: frozenset[str]
    calls: tuple[CallFacts, ...]
    #: The absolute modules of ``from m import *`` statements at module level.
    stars: tuple[str, ...] = ()

    def imported(self) -> dict[str, str]:
        return dict(self.imports)

    def class_named(self, name: str) -> ClassFacts | None:
        return next((c for c in self.classes if c.name == name), None)


def facts(project: Project, path: str) -> FileFacts | None:
    """The facts of one file (None when it does not parse)."""
    return _facts_of(project.files[path], project.package_of(path))


def facts_of_text(text: str, package: str | None) -> FileFacts | None:
    """The facts of a text that is not the project's (an old version of a file)."""
    return _facts_of(text, package)


@lru_cache(maxsize=4096)
def _facts_of(text: str, package: str | None) -> FileFacts | None:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    lines = text.splitlines()
    imports: dict[str, str] = {}
    for node in tree.body:
        _read_import(node, package, imports)
    top = {id(node) for node in tree.body}
    calls: list[CallFacts] = []
    for item in ast.walk(tree):  # one walk: nested imports (they bind names there too), calls
        if isinstance(item, ast.Call):
            call = _read_call(item, lines)
            if call is not None:
                calls.append(call)
        elif isinstance(item, (ast.Import, ast.ImportFrom)) and id(item) not in top:
            _read_import(item, package, imports, keep=True)
    classes = tuple(
        _read_class(node, imports) for node in tree.body if isinstance(node, ast.ClassDef)
    )
    bases: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            called = _absolute(_dotted(node.value.func), imports)
            if called in _DECLARATIVE_FACTORIES:
                bases.update(t.id for t in node.targets if isinstance(t, ast.Name))
    stars = tuple(
        module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)
        if (module := absolute_module(package, node.level, node.module)) is not None
    )
    return FileFacts(tuple(imports.items()), classes, frozenset(bases), tuple(calls), stars)


def _read_import(
    node: ast.stmt, package: str | None, imports: dict[str, str], keep: bool = False
) -> None:
    if isinstance(node, ast.Import):
        for alias in node.names:
            local = alias.asname or alias.name.partition(".")[0]
            value = alias.name if alias.asname else local
            if not (keep and local in imports):
                imports[local] = value
    elif isinstance(node, ast.ImportFrom):
        module = absolute_module(package, node.level, node.module)
        if module is None:
            return
        for alias in node.names:
            if alias.name == "*":
                continue
            local = alias.asname or alias.name
            if not (keep and local in imports):
                imports[local] = f"{module}.{alias.name}"


def _dotted(node: ast.expr | None) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else ""
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    if isinstance(node, ast.Subscript):  # Generic[T], BaseModel[...]
        return _dotted(node.value)
    return ""


def _absolute(dotted: str, imports: dict[str, str]) -> str:
    """``dotted`` with its first part replaced by what an import bound it to."""
    head, dot, rest = dotted.partition(".")
    if head in imports:
        return imports[head] + dot + rest
    return dotted


def _call_name(value: ast.expr | None) -> str:
    return _dotted(value.func).rpartition(".")[2] if isinstance(value, ast.Call) else ""


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _read_field(node: ast.AnnAssign, name: str) -> Field:
    annotation = ast.unparse(node.annotation)
    value = node.value
    alias, dynamic = "", False
    primary = False
    if isinstance(value, ast.Call):
        for keyword in ("alias", "validation_alias"):
            given = _keyword(value, keyword)
            if given is None:
                continue
            if isinstance(given, ast.Constant) and isinstance(given.value, str):
                alias = alias or given.value
            else:
                dynamic = True
        primary = _is_true(_keyword(value, "primary_key"))
    return Field(
        name=name,
        line=node.lineno,
        class_var="ClassVar" in annotation,
        alias=alias,
        dynamic_alias=dynamic,
        has_default=value is not None,
        primary_key=primary,
    )


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _read_class(node: ast.ClassDef, imports: dict[str, str]) -> ClassFacts:
    fields: list[Field] = []
    mapped: list[Field] = []
    members: set[str] = set()
    config: Config | None = None
    init = ""
    dynamic = False
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            name = statement.target.id
            members.add(name)
            if name == "model_config":
                config = _read_config(statement.value, statement.lineno)
                continue
            field = _read_field(statement, name)
            fields.append(field)
            annotation = _dotted(statement.annotation)
            if _call_name(statement.value) in _MAPPED_FACTORIES or annotation.endswith("Mapped"):
                mapped.append(field)
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                if not isinstance(target, ast.Name):
                    continue
                members.add(target.id)
                if target.id == "model_config":
                    config = _read_config(statement.value, statement.lineno)
                elif _call_name(statement.value) in _MAPPED_FACTORIES:
                    call = statement.value
                    assert isinstance(call, ast.Call)
                    primary = _is_true(_keyword(call, "primary_key"))
                    mapped.append(
                        Field(target.id, statement.lineno, False, "", False, True, primary)
                    )
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            members.add(statement.name)
            if statement.name == "__init__":
                init = "kwargs" if statement.args.kwarg is not None else "fixed"
            if statement.name in ("__getattr__", "__setattr__", "__get_validators__"):
                dynamic = True
            for decorator in statement.decorator_list:
                dynamic = dynamic or _consumes_input(decorator)
        elif isinstance(statement, ast.ClassDef):
            members.add(statement.name)
            if statement.name == "Config":
                config = Config("class", statement.lineno, _class_config(statement))
        elif isinstance(statement, (ast.If, ast.Try, ast.For, ast.While, ast.With, ast.Match)):
            # Fields or an __init__ declared under a condition (`if TYPE_CHECKING:` ... `else:`,
            # SQLAlchemy's Range): what the class accepts cannot be read off its body.
            dynamic = True
    return ClassFacts(
        name=node.name,
        line=node.lineno,
        bases=tuple(_absolute(_dotted(b), imports) for b in node.bases if _dotted(b)),
        decorators=tuple(_absolute(_dotted(d), imports) for d in node.decorator_list),
        keywords=tuple((k.arg, ast.unparse(k.value)) for k in node.keywords if k.arg),
        fields=tuple(fields),
        members=frozenset(members),
        mapped=tuple(mapped),
        config=config,
        init=init,
        dynamic=dynamic,
        has_tablename="__tablename__" in members,
    )


def _consumes_input(decorator: ast.expr) -> bool:
    """``@model_validator(mode="before")`` / ``@root_validator(pre=True)``: may read any key."""
    if not isinstance(decorator, ast.Call):
        return False
    name = _dotted(decorator.func).rpartition(".")[2]
    mode = _keyword(decorator, "mode")
    if name == "model_validator":
        return isinstance(mode, ast.Constant) and mode.value in ("before", "wrap")
    return name == "root_validator" and _is_true(_keyword(decorator, "pre"))


def _read_config(value: ast.expr | None, line: int) -> Config:
    if (
        isinstance(value, ast.Call)
        and _dotted(value.func).rpartition(".")[2] in ("ConfigDict", "SettingsConfigDict", "dict")
        and not value.args
        and all(k.arg for k in value.keywords)
    ):
        return Config(
            "call", line, tuple((str(k.arg), ast.unparse(k.value)) for k in value.keywords)
        )
    if isinstance(value, ast.Dict) and all(
        isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value.keys
    ):
        pairs = zip(value.keys, value.values, strict=True)
        return Config(
            "dict",
            line,
            tuple((str(k.value), ast.unparse(v)) for k, v in pairs if isinstance(k, ast.Constant)),
        )
    return Config("other", line, ())


def _class_config(node: ast.ClassDef) -> tuple[tuple[str, str], ...]:
    values = []
    for statement in node.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    values.append((target.id, ast.unparse(statement.value)))
    return tuple(values)


def _read_call(node: ast.Call, lines: list[str]) -> CallFacts | None:
    if not node.keywords or not isinstance(node.func, (ast.Name, ast.Attribute)):
        return None
    callee = _dotted(node.func)
    if not callee or not callee.rpartition(".")[2][:1].isupper():
        return None  # a class is called by a capitalised name; the cheap filter
    keywords = []
    unpacks = any(isinstance(a, ast.Starred) for a in node.args)
    for keyword in node.keywords:
        if keyword.arg is None:
            unpacks = True
            continue
        line = lines[keyword.lineno - 1] if keyword.lineno <= len(lines) else ""
        # ast counts UTF-8 bytes, libcst characters.
        column = len(line.encode()[: keyword.col_offset].decode(errors="replace"))
        keywords.append(Keyword(keyword.arg, keyword.lineno, column))
    return CallFacts(callee, node.lineno, tuple(keywords), len(node.args), unpacks)


# ---------------------------------------------------------------- resolving classes


def locate(
    project: Project, path: str, dotted: str, depth: int = 0
) -> tuple[str, ClassFacts] | None:
    """The project class ``dotted`` names in ``path`` (a local class, or an absolute name as
    ``ClassFacts.bases`` and ``imported()`` give them), or None."""
    found = facts(project, path)
    if found is None or depth > 6:
        return None
    if "." not in dotted:
        local = found.class_named(dotted)
        if local is not None:
            return path, local
        imported = found.imported().get(dotted)
        if imported is None:
            # `from app.schemas import *`: the last star import that has the class binds it.
            return next(
                (
                    located
                    for module in reversed(found.stars)
                    if (located := locate(project, path, f"{module}.{dotted}", depth + 1))
                ),
                None,
            )
        if imported == dotted:
            return None
        dotted = imported
    else:
        dotted = _absolute(dotted, found.imported())
    module, _, name = dotted.rpartition(".")
    target = project.resolve_from(path, module) if module else None
    if target is None:
        return None
    there = facts(project, target)
    if there is None:
        return None
    cls = there.class_named(name)
    if cls is not None:
        return target, cls
    reexport = there.imported().get(name)  # a package __init__ that re-exports it
    if reexport is not None and reexport != name:
        return locate(project, target, reexport, depth + 1)
    return None


def lineage(
    project: Project, path: str, cls: ClassFacts, depth: int = 0
) -> tuple[list[tuple[str, ClassFacts]], frozenset[str]] | None:
    """The class and its bases in the project, nearest first, each with its file; and the
    absolute names of the bases outside the project (``declarative_base()`` for a project
    variable made by that factory).

    None when a base names something of the project that is not a class fixup can read.
    """
    chain = [(path, cls)]
    roots: set[str] = set()
    if depth > 8:
        return None
    for base in cls.bases:
        located = locate(project, path, base)
        if located is not None:
            above = lineage(project, located[0], located[1], depth + 1)
            if above is None:
                return None
            chain.extend(above[0])
            roots |= above[1]
        elif _declarative_variable(project, path, base):
            roots.add("declarative_base()")
        elif _in_project(project, path, base):
            return None
        else:
            roots.add(base)
    return chain, frozenset(roots)


def _declarative_variable(project: Project, path: str, dotted: str) -> bool:
    found = facts(project, path)
    if found is None:
        return False
    if "." not in dotted:
        if dotted in found.declarative_bases:
            return True
        dotted = found.imported().get(dotted, dotted)
        if "." not in dotted:
            return False
    module, _, name = dotted.rpartition(".")
    target = project.resolve_from(path, module)
    there = facts(project, target) if target else None
    return there is not None and name in there.declarative_bases


def _in_project(project: Project, path: str, dotted: str) -> bool:
    """True when ``dotted`` is (or is in) a project module: a base fixup should have found."""
    if "." not in dotted:
        # A name of this module that is not a class (or came from a star import).
        return not hasattr(builtins, dotted)
    module = dotted.rpartition(".")[0]
    return project.module_exists_from(path, module)

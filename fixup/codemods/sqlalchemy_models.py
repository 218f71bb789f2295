"""Read a module's model classes: SQLAlchemy declarative classes, SQLModel tables, Pydantic models.

Reading only (plus one small edit, ``drop_extend_existing``): what each top-level name is, which
table a class maps, its columns and relationships, and where its ``Base`` comes from. The
caller resolves imports across the project; this module knows one file at a time.

Recognised shapes: classic ``name = Column(...)``, 2.0 ``name: Mapped[int] = mapped_column(...)``
and bare ``name: Mapped[int]``, ``relationship(...)``, SQLModel ``class X(SQLModel, table=True)``
with ``Field``/``Relationship``, and Pydantic ``BaseModel`` subclasses with annotated fields.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, TypeVar

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from fixup.codemods.nodes import code, dotted_name
from fixup.index import COLUMN_CALLS, RELATIONSHIP_CALLS, ModelKind, model_kind

_LineOf = Callable[[cst.CSTNode], "int | None"]
MemberKind = Literal["column", "relationship", "field", "method", "other"]

_COLUMN_CALLS = COLUMN_CALLS
_RELATIONSHIP_CALLS = RELATIONSHIP_CALLS


@dataclass(frozen=True)
class ImportedName:
    """A name a module binds by importing it."""

    #: The module as written, with leading dots for a relative import (``.base``, ``pkg.models``);
    #: for ``import a.b`` (which binds ``a``) the whole dotted name.
    module: str
    #: The imported name (``from m import name``), or None for ``import m`` / ``import m as x``.
    name: str | None
    #: The statement that binds it, as code (for copying it into another module).
    statement: cst.SimpleStatementLine = field(compare=False, repr=False)


@dataclass(frozen=True, eq=False)
class Member:
    """One attribute assigned in a class body."""

    name: str
    kind: MemberKind
    statement: cst.BaseStatement = field(repr=False)
    #: For a relationship: the target class as written (string or name), and ``back_populates``.
    target: str | None = None
    back_populates: str | None = None
    line: int | None = None

    @cached_property
    def fingerprint(self) -> str:
        """The statement, normalised (``ast.dump``): comments and layout do not count.
        Computed on demand: it costs a codegen and a parse, and most members are never compared."""
        return fingerprint(self.statement)


@dataclass(frozen=True, eq=False)
class ModelClass:
    name: str
    kind: ModelKind
    #: The base classes as written (dotted), e.g. ``("Base",)`` or ``("SQLModel",)``.
    bases: tuple[str, ...]
    #: The table it maps (``__tablename__``, or SQLModel's lower-cased class name), or None.
    table: str | None
    members: dict[str, Member]
    node: cst.ClassDef = field(repr=False)
    line: int | None = None

    @property
    def is_table(self) -> bool:
        return self.table is not None


@dataclass(frozen=True, eq=False)
class Definition:
    """A top-level name a module defines (class, function, or assignment)."""

    name: str
    statement: cst.BaseStatement = field(repr=False)
    line: int | None = None

    @cached_property
    def fingerprint(self) -> str:
        """See ``Member.fingerprint``."""
        return fingerprint(self.statement)


@dataclass(eq=False)
class ModuleModels:
    """What one module defines and imports at its top level."""

    imports: dict[str, ImportedName] = field(default_factory=dict)
    definitions: dict[str, Definition] = field(default_factory=dict)
    classes: dict[str, ModelClass] = field(default_factory=dict)

    @property
    def tables(self) -> dict[str, ModelClass]:
        return {c.table: c for c in self.classes.values() if c.table is not None}

    def models(self) -> Iterator[ModelClass]:
        return (c for c in self.classes.values() if c.kind != "plain")


def fingerprint(node: cst.CSTNode) -> str:
    """The statement's meaning without comments or layout."""
    source = code(node).strip()
    try:
        return ast.dump(ast.parse(source))
    except (
        SyntaxError
    ):  # a decorated or indented fragment: fall back to its text, comments stripped
        return " ".join(line.split("#", 1)[0].strip() for line in source.splitlines())


def read_models(module: cst.Module, text: str | None = None) -> ModuleModels:
    """The top-level imports, definitions and model classes of ``module``.

    Pass the module's ``text`` when you have it: line numbers then come from ``ast`` (C-fast)
    instead of libcst's position metadata, which regenerates the whole module.
    """
    lines = _statement_lines(module, text) if text is not None else None
    if lines is None:
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)

        def line_of(node: cst.CSTNode) -> int | None:
            position = positions.get(node)
            return position.start.line if position else None

    else:
        known_lines = lines

        def line_of(node: cst.CSTNode) -> int | None:
            return known_lines.get(id(node))

    result = ModuleModels()

    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    for local, imported in _imported_names(small, statement):
                        result.imports[local] = imported
                for name in _assigned_names(small):
                    result.definitions[name] = Definition(name, statement, line_of(statement))
        elif isinstance(statement, (cst.ClassDef, cst.FunctionDef)):
            name = statement.name.value
            result.definitions[name] = Definition(name, statement, line_of(statement))
            if isinstance(statement, cst.ClassDef):
                result.classes[name] = _read_class(statement, result.classes, line_of)
    return result


def _statement_lines(module: cst.Module, text: str) -> dict[int, int] | None:
    """id(statement) -> first line, for top-level and class-body statements (None: cannot tell)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    lines: dict[int, int] = {}

    def pair(body: Sequence[cst.BaseStatement], nodes: list[ast.stmt]) -> bool:
        i = 0
        for statement in body:
            if i >= len(nodes):
                return False
            node = nodes[i]
            decorators = getattr(node, "decorator_list", [])
            lines[id(statement)] = min([node.lineno, *(d.lineno for d in decorators)])
            if isinstance(statement, cst.SimpleStatementLine):
                i += len(statement.body)  # "a = 1; b = 2" is one libcst line, two ast statements
                continue
            if (
                isinstance(statement, cst.ClassDef)
                and isinstance(node, ast.ClassDef)
                and isinstance(statement.body, cst.IndentedBlock)
                and not pair(statement.body.body, node.body)
            ):
                return False
            i += 1
        return i == len(nodes)

    return lines if pair(module.body, tree.body) else None


def _imported_names(
    node: cst.Import | cst.ImportFrom, statement: cst.SimpleStatementLine
) -> Iterator[tuple[str, ImportedName]]:
    if isinstance(node, cst.Import):
        for alias in node.names:
            full = code(alias.name)
            if alias.asname is not None:
                yield code(alias.asname.name), ImportedName(full, None, statement)
            else:
                yield full.split(".")[0], ImportedName(full, None, statement)
        return
    if isinstance(node.names, cst.ImportStar):
        return
    module = "." * len(node.relative) + (code(node.module) if node.module else "")
    for alias in node.names:
        name = code(alias.name)
        local = code(alias.asname.name) if alias.asname is not None else name
        yield local, ImportedName(module, name, statement)


def _assigned_names(small: cst.BaseSmallStatement) -> list[str]:
    targets: list[cst.BaseExpression] = []
    if isinstance(small, cst.Assign):
        targets = [t.target for t in small.targets]
    elif isinstance(small, cst.AnnAssign):
        targets = [small.target]
    return [t.value for t in targets if isinstance(t, cst.Name)]


def _read_class(node: cst.ClassDef, known: dict[str, ModelClass], line_of: _LineOf) -> ModelClass:
    bases = tuple(name for arg in node.bases if (name := dotted_name(arg.value)) is not None)
    table_keyword = any(
        kw.keyword is not None
        and kw.keyword.value == "table"
        and isinstance(kw.value, cst.Name)
        and kw.value.value == "True"
        for kw in node.keywords
    )
    table: str | None = None
    members: dict[str, Member] = {}
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for statement in body:
        if isinstance(statement, cst.FunctionDef):
            members[statement.name.value] = Member(
                statement.name.value,
                "method",
                statement,
                line=line_of(statement),
            )
            continue
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        small = statement.body[0]
        names = _assigned_names(small)
        if len(names) != 1:
            continue
        name = names[0]
        value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
        if name == "__tablename__":
            if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
                table = value.evaluated_value
            continue
        if name.startswith("__") and name.endswith("__"):
            continue
        members[name] = _read_member(name, small, statement, line_of(statement))
    kind = model_kind(
        bases,
        table_keyword=table_keyword,
        tablename=table is not None,
        known={name: cls.kind for name, cls in known.items()},
    )
    if kind == "sqlmodel":
        table = table or node.name.value.lower()
    return ModelClass(node.name.value, kind, bases, table, members, node, line_of(node))


def _read_member(
    name: str, small: cst.BaseSmallStatement, statement: cst.SimpleStatementLine, line: int | None
) -> Member:
    value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
    kind: MemberKind = "other"
    target = back_populates = None
    call = value if isinstance(value, cst.Call) else None
    called = (dotted_name(call.func) or "").rpartition(".")[2] if call is not None else None
    if called in _RELATIONSHIP_CALLS and call is not None:
        kind = "relationship"
        target, back_populates = _relationship_target(call)
    elif called in _COLUMN_CALLS:
        kind = "column"
    elif isinstance(small, cst.AnnAssign):
        annotation = code(small.annotation.annotation)
        # A bare ``Mapped[...]`` is a column; a relationship always calls relationship().
        kind = (
            "column" if annotation.startswith(("Mapped[", "orm.Mapped[", "so.Mapped[")) else "field"
        )
    return Member(name, kind, statement, target, back_populates, line)


def _relationship_target(call: cst.Call) -> tuple[str | None, str | None]:
    target = back_populates = None
    for arg in call.args:
        if arg.keyword is None and target is None:
            if isinstance(arg.value, cst.SimpleString) and isinstance(
                arg.value.evaluated_value, str
            ):
                target = arg.value.evaluated_value
            else:
                target = dotted_name(arg.value)
        elif arg.keyword is not None and arg.keyword.value in ("back_populates", "argument"):
            literal = arg.value.evaluated_value if isinstance(arg.value, cst.SimpleString) else None
            if arg.keyword.value == "back_populates" and isinstance(literal, str):
                back_populates = literal
            elif arg.keyword.value == "argument" and isinstance(literal, str):
                target = literal
    return target, back_populates


# -------------------------------------------------------------------- editing


def drop_extend_existing(node: cst.ClassDef) -> cst.ClassDef:
    """``node`` without ``"extend_existing": True`` in ``__table_args__``.

    A dict left empty removes the whole ``__table_args__`` line; in a tuple, only the dict
    element goes. Anything else in ``__table_args__`` stays as it is.
    """
    if not isinstance(node.body, cst.IndentedBlock):
        return node
    body: list[cst.BaseStatement] = []
    changed = False
    for statement in node.body.body:
        new = _without_extend_existing(statement)
        if new is not statement:
            changed = True
        if new is not None:
            body.append(new)
    if not changed:
        return node
    if not body:
        body = [cst.SimpleStatementLine([cst.Pass()])]
    return node.with_changes(body=node.body.with_changes(body=body))


def has_extend_existing(node: cst.ClassDef) -> bool:
    return drop_extend_existing(node) is not node


def table_args(node: cst.ClassDef) -> str | None:
    """``__table_args__`` without ``extend_existing``, normalised; None when nothing is left."""
    body = drop_extend_existing(node).body
    for statement in body.body if isinstance(body, cst.IndentedBlock) else ():
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            if isinstance(small, (cst.Assign, cst.AnnAssign)) and _assigned_names(small) == [
                "__table_args__"
            ]:
                return fingerprint(small.value) if small.value is not None else None
    return None


def _without_extend_existing(statement: cst.BaseStatement) -> cst.BaseStatement | None:
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return statement
    small = statement.body[0]
    if not (
        isinstance(small, (cst.Assign, cst.AnnAssign))
        and _assigned_names(small) == ["__table_args__"]
    ):
        return statement
    value = small.value
    if isinstance(value, cst.Dict):
        new_dict = _dict_without_extend_existing(value)
        if new_dict is None:
            return statement
        if not new_dict.elements:
            return None
        return statement.with_changes(body=[small.with_changes(value=new_dict)])
    if (
        isinstance(value, cst.Tuple)
        and value.elements
        and isinstance(value.elements[-1].value, cst.Dict)
    ):
        last = value.elements[-1]
        assert isinstance(last.value, cst.Dict)
        new_dict = _dict_without_extend_existing(last.value)
        if new_dict is None:
            return statement
        if new_dict.elements:
            elements = [*value.elements[:-1], last.with_changes(value=new_dict)]
            return statement.with_changes(
                body=[small.with_changes(value=value.with_changes(elements=elements))]
            )
        if len(value.elements) == 1:
            return None
        closing = value.rpar[-1] if value.rpar else None
        new_last, closing_ws = _close_after(
            value.elements[-2], last, closing.whitespace_before if closing else None
        )
        if isinstance(new_last.comma, cst.MaybeSentinel) and len(value.elements) == 2:
            new_last = new_last.with_changes(comma=cst.Comma())  # (Constraint(),) stays a tuple
        new_tuple = value.with_changes(elements=[*value.elements[:-2], new_last])
        if closing is not None and closing_ws is not None:
            new_tuple = new_tuple.with_changes(
                rpar=[*value.rpar[:-1], closing.with_changes(whitespace_before=closing_ws)]
            )
        return statement.with_changes(body=[small.with_changes(value=new_tuple)])
    return statement


def _is_extend_existing(element: cst.BaseDictElement) -> bool:
    return (
        isinstance(element, cst.DictElement)
        and isinstance(element.key, cst.SimpleString)
        and element.key.evaluated_value == "extend_existing"
        and isinstance(element.value, cst.Name)
        and element.value.value == "True"
    )


def _dict_without_extend_existing(node: cst.Dict) -> cst.Dict | None:
    """The dict without ``"extend_existing": True``; None when it is not there."""
    elements = list(node.elements)
    index = next((i for i, e in enumerate(elements) if _is_extend_existing(e)), None)
    if index is None:
        return None
    if index < len(elements) - 1 or index == 0:
        # Not last: the entry goes with its comma (and a comment after it).
        return node.with_changes(elements=elements[:index] + elements[index + 1 :])
    new_last, closing_ws = _close_after(
        elements[index - 1], elements[index], node.rbrace.whitespace_before
    )
    new = node.with_changes(elements=[*elements[: index - 1], new_last])
    return new.with_changes(rbrace=node.rbrace.with_changes(whitespace_before=closing_ws))


_Element = TypeVar("_Element", cst.BaseElement, cst.BaseDictElement)


def _close_after(
    new_last: _Element,
    removed: cst.BaseElement | cst.BaseDictElement,
    closing: cst.BaseParenthesizableWhitespace | None,
) -> tuple[_Element, cst.BaseParenthesizableWhitespace | None]:
    """``new_last`` becomes the last element: it gets the layout that led to the closing bracket.

    On one line (``{"a": 1, "extend_existing": True}``) it takes the removed element's comma (or
    none). Across lines it keeps its own comma and comment, and ends its line with the
    indentation of the closing bracket; the removed line's comment goes with it.
    """
    own = new_last.comma
    if not (
        isinstance(own, cst.Comma) and isinstance(own.whitespace_after, cst.ParenthesizedWhitespace)
    ):
        return new_last.with_changes(comma=removed.comma), closing
    after_removed = removed.comma.whitespace_after if isinstance(removed.comma, cst.Comma) else None
    if isinstance(after_removed, cst.ParenthesizedWhitespace):
        source = after_removed
    elif isinstance(closing, cst.ParenthesizedWhitespace):
        source, closing = closing, cst.SimpleWhitespace("")
    else:
        return new_last, closing
    whitespace = own.whitespace_after.with_changes(indent=source.indent, last_line=source.last_line)
    return new_last.with_changes(comma=own.with_changes(whitespace_after=whitespace)), closing

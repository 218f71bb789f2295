"""Rename a mapped attribute in a declarative class body while keeping its database column name.

``metadata = Column(JSON)`` becomes ``meta_data = Column("metadata", JSON)``: the Python
attribute changes, the table does not. A column that already names itself (``Column("meta",
JSON)``, ``mapped_column(name="meta")``) keeps that name. Relationships have no column, so only
the attribute changes. One statement at a time; the caller decides which and to what.
"""

from __future__ import annotations

import libcst as cst

from fixup.codemods.nodes import dotted_name

#: Calls that build a column and take its name as the first positional argument.
COLUMN_FACTORIES = frozenset({"Column", "mapped_column"})
#: Calls that wrap a column: ``deferred(Column(...))``, ``column_property(Column(...))``.
COLUMN_WRAPPERS = frozenset({"deferred", "column_property"})
RELATIONSHIP_FACTORIES = frozenset({"relationship", "relation"})


class CannotRename(Exception):
    """The statement has a shape this codemod does not rewrite; the message says which."""


def rename_mapped_member(
    statement: cst.SimpleStatementLine,
    old: str,
    new: str,
    mapped_column_name: str | None = None,
) -> cst.SimpleStatementLine:
    """``statement`` (``old = ...`` / ``old: T = ...`` / ``old: Mapped[T]``) with ``old`` renamed.

    ``mapped_column_name`` is how the module can call ``mapped_column`` (a bare ``old:
    Mapped[T]`` needs one to keep its column name); None when it cannot.
    """
    if len(statement.body) != 1:
        raise CannotRename("it shares its line with other statements")
    small = statement.body[0]
    if isinstance(small, cst.Assign):
        if len(small.targets) != 1 or not _is_name(small.targets[0].target, old):
            raise CannotRename("it assigns several targets")
        value = _with_column_name(small.value, old)
        target = small.targets[0].with_changes(target=cst.Name(new))
        return statement.with_changes(body=[small.with_changes(targets=[target], value=value)])
    if isinstance(small, cst.AnnAssign) and _is_name(small.target, old):
        if small.value is None:
            if mapped_column_name is None:
                raise CannotRename(
                    "a bare annotation needs `mapped_column(...)` to keep the column name, "
                    "and the module does not import mapped_column"
                )
            column = cst.Call(cst.parse_expression(mapped_column_name), [_name_arg(old, None)])
            return statement.with_changes(
                body=[
                    small.with_changes(
                        target=cst.Name(new),
                        value=column,
                        equal=cst.AssignEqual(
                            whitespace_before=cst.SimpleWhitespace(" "),
                            whitespace_after=cst.SimpleWhitespace(" "),
                        ),
                    )
                ]
            )
        value = _with_column_name(small.value, old)
        return statement.with_changes(body=[small.with_changes(target=cst.Name(new), value=value)])
    raise CannotRename("it is not a plain assignment")


def _is_name(node: cst.BaseExpression, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def _called(node: cst.BaseExpression) -> str | None:
    if not isinstance(node, cst.Call):
        return None
    return (dotted_name(node.func) or "").rpartition(".")[2] or None


def _with_column_name(value: cst.BaseExpression, column: str) -> cst.BaseExpression:
    called = _called(value)
    assert called is None or isinstance(value, cst.Call)
    if called in RELATIONSHIP_FACTORIES:
        return value
    if called in COLUMN_FACTORIES and isinstance(value, cst.Call):
        return _named_column(value, column)
    if called in COLUMN_WRAPPERS and isinstance(value, cst.Call):
        args = list(value.args)
        if args and args[0].keyword is None and _called(args[0].value) in COLUMN_FACTORIES:
            inner = args[0].value
            assert isinstance(inner, cst.Call)
            args[0] = args[0].with_changes(value=_named_column(inner, column))
            return value.with_changes(args=args)
    raise CannotRename(
        "its value is not Column(...), mapped_column(...) or relationship(...), so the "
        "column name cannot be kept"
    )


def _named_column(call: cst.Call, column: str) -> cst.Call:
    """``call`` with ``column`` as its first argument, unless it already names its column."""
    if any(arg.keyword is not None and arg.keyword.value == "name" for arg in call.args):
        return call
    first = call.args[0] if call.args else None
    if (
        first is not None
        and first.keyword is None
        and not first.star
        and isinstance(first.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))
    ):
        return call
    if first is not None and first.star:
        raise CannotRename("its arguments are unpacked (*args), so the column name is unknown")
    return call.with_changes(args=[_name_arg(column, first), *call.args])


def _name_arg(column: str, following: cst.Arg | None) -> cst.Arg:
    # Match the layout of the argument it goes before: on its own line when that one is.
    comma: cst.Comma | cst.MaybeSentinel = cst.MaybeSentinel.DEFAULT
    if following is not None:
        after: cst.BaseParenthesizableWhitespace = cst.SimpleWhitespace(" ")
        if isinstance(following.comma, cst.Comma) and isinstance(
            following.comma.whitespace_after, cst.ParenthesizedWhitespace
        ):
            after = following.comma.whitespace_after
        comma = cst.Comma(whitespace_after=after)
    return cst.Arg(cst.SimpleString(f'"{column}"'), comma=comma)

"""Make relative ``from`` imports absolute, keeping the statement's comments and layout.

The caller decides *what* each import becomes (``Target``); this module only edits. It works
on a single statement (the fast path: fixers hand it the few statements a text scan found) or
on a whole module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst

from fixup.codemods.nodes import code, dotted_name


@dataclass(frozen=True)
class Target:
    """What a relative import becomes.

    ``module`` set: ``from <module> import ...`` with the same names. ``module`` None: the
    import reached the import root itself, so each imported name is a top-level module and the
    statement becomes ``import a, b as c``.
    """

    module: str | None


#: Decides each relative import's target; None leaves the statement alone.
Resolver = Callable[[cst.ImportFrom], Target | None]


def dotted(node: cst.ImportFrom) -> str:
    """The module part as written, dots included: ``..pkg.mod``."""
    return "." * len(node.relative) + (_name_of(node.module) if node.module else "")


def _name_of(expr: cst.BaseExpression) -> str:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return f"{_name_of(expr.value)}.{expr.attr.value}"
    raise ValueError(f"not a dotted name: {code(expr)}")


def dotted_expression(name: str) -> cst.Name | cst.Attribute:
    """``a.b.c`` as a libcst node (built directly: parsing each name costs more than the rest)."""
    first, *rest = name.split(".")
    node: cst.Name | cst.Attribute = cst.Name(first)
    for part in rest:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def absolutize(node: cst.ImportFrom, target: Target) -> cst.ImportFrom | cst.Import:
    """The statement rewritten to ``target``; everything else about it is kept."""
    if target.module is None:
        if isinstance(node.names, cst.ImportStar):
            raise ValueError("'import *' from the import root has no absolute form")
        if node.lpar is not None and "#" in code(node):
            raise ValueError(
                "its parenthesised names carry comments that 'import a, b' cannot keep"
            )
        names = [
            cst.ImportAlias(
                name=alias.name,
                asname=alias.asname,
                # Without the parentheses a comma may not be followed by a line break.
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                if node.lpar
                else alias.comma,
            )
            for alias in node.names
        ]
        if names and names[-1].comma is not cst.MaybeSentinel.DEFAULT:
            names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return cst.Import(names=names, semicolon=node.semicolon)
    whitespace = node.whitespace_after_from
    if not whitespace.value:  # "from.mod import x" needs a space once the dots are gone
        whitespace = cst.SimpleWhitespace(" ")
    before_import = node.whitespace_before_import
    if not before_import.value or (node.module is None and not before_import.value.strip(" \t")):
        # "from .  import x" spaced the dots from the keyword; a module name needs one space.
        before_import = cst.SimpleWhitespace(" ")
    module = dotted_expression(target.module)
    return node.with_changes(
        relative=(),
        module=module,
        whitespace_after_from=whitespace,
        whitespace_before_import=before_import,
    )


class AbsoluteImportsTransformer(cst.CSTTransformer):
    """Rewrites every relative import in a module that ``resolve`` has a target for."""

    def __init__(self, resolve: Resolver) -> None:
        super().__init__()
        self._resolve = resolve
        self.changed: list[tuple[cst.ImportFrom, cst.ImportFrom | cst.Import]] = []

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom | cst.Import:
        if not updated_node.relative:
            return updated_node
        target = self._resolve(original_node)
        if target is None:
            return updated_node
        new = absolutize(updated_node, target)
        self.changed.append((original_node, new))
        return new


def parse_statements(sources: Sequence[str]) -> list[cst.ImportFrom] | None:
    """Parse statement sources (each a whole ``from`` import) in one libcst call.

    Returns one node per source, or None when any source is not a single ``from`` import.
    """
    try:
        module = cst.parse_module("\n".join(sources) + "\n")
    except cst.ParserSyntaxError:
        return None
    if len(module.body) != len(sources):
        return None
    nodes = []
    for line in module.body:
        if not (isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1):
            return None
        node = line.body[0]
        if not isinstance(node, cst.ImportFrom):
            return None
        nodes.append(node)
    return nodes


def header(node: cst.ImportFrom) -> str | None:
    """The statement's source up to the ``import`` keyword (``from ..pkg.mod ``), read off the
    nodes without generating code; None when a part is not plain (a comment, a line break)."""
    parts = ["from", node.whitespace_after_from.value]
    for dot in node.relative:
        before, after = dot.whitespace_before, dot.whitespace_after
        if not (
            isinstance(before, cst.SimpleWhitespace) and isinstance(after, cst.SimpleWhitespace)
        ):
            return None
        parts += [before.value, ".", after.value]
    if node.module is not None:
        module = dotted_name(node.module)
        if module is None:
            return None
        parts.append(module)
    parts.append(node.whitespace_before_import.value)
    return "".join(parts)


def absolutized_source(node: cst.ImportFrom, source: str, target: Target) -> str:
    """``source`` (the code of ``node``) rewritten to ``target``.

    Only the part before ``import`` changes, so only that part is rebuilt: the names, their
    parentheses and comments are the source's own bytes. Generating the whole statement again
    gives the same text at several times the cost, which is most of the fixer's time on a large
    tree. Anything unusual in the header falls back to generating the statement.
    """
    new = absolutize(node, target)
    old_header = header(node)
    if isinstance(new, cst.ImportFrom) and old_header is not None and source.startswith(old_header):
        new_header = header(new)
        if new_header is not None:
            return new_header + source[len(old_header) :]
    return code(new)

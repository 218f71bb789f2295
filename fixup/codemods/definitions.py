"""Bring top-level definitions back into a module, and add the imports they need.

``restore_definitions`` inserts statements taken verbatim from an old version of a module
(decorators, docstrings, comments above them included) where their old neighbours put them:
after the nearest earlier definition that still exists, or before the nearest later one, never
before something they need at import time. ``add_imports`` adds ``import`` / ``from ... import``
names, joining an existing ``from`` import of the same module when there is one, keeping its
layout (one name per line stays one name per line). The caller decides *what* comes back.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from fixup.codemods.bindings import module_bindings, statement_bindings
from fixup.codemods.nodes import is_docstring


class OldModule:
    """An old version of a module: read with ``ast`` (fast, for thousands of versions), its
    statements handed out as libcst nodes only when one comes back."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tree = ast.parse(source)
        #: One key per top-level statement, in order.
        self.keys = [_key_of(statement) for statement in self.tree.body]
        self._lines = source.splitlines(keepends=True)
        self._statements: dict[int, cst.BaseStatement] = {}

    def code(self, index: int) -> str:
        """The statement's source, with the comments and blank lines above it."""
        body = self.tree.body
        node = body[index]
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
        start = body[index - 1].end_lineno or first - 1 if index else 0
        start = min(start, first - 1)
        end = node.end_lineno or node.lineno
        return "".join(self._lines[start:end])

    def statement(self, index: int) -> cst.BaseStatement:
        """The statement as a libcst node, verbatim, comments above it included."""
        if index not in self._statements:
            module = cst.parse_module(self.code(index))
            if len(module.body) != 1:
                raise ValueError(f"statement {index} shares its line with another one")
            node = module.body[0]
            self._statements[index] = node.with_changes(
                leading_lines=[*module.header, *node.leading_lines]
            )
        return self._statements[index]


@dataclass(frozen=True)
class OldDefinition:
    """A top-level statement of an old version of a module, to be brought back as it was."""

    old: OldModule
    #: Its position among the old module's top-level statements.
    index: int
    #: Names that must be bound above it, because it reads them while the module runs.
    needs: frozenset[str] = frozenset()

    @property
    def statement(self) -> cst.BaseStatement:
        return self.old.statement(self.index)


@dataclass(frozen=True)
class ImportSpec:
    """``import module [as asname]`` when ``name`` is None, else ``from module import name [as asname]``."""

    module: str
    name: str | None = None
    asname: str | None = None
    #: The import statement it comes from in an old version: a new statement goes where that
    #: one's neighbours put it (within the import block); otherwise after the last import.
    origin: OldDefinition | None = field(default=None, compare=False)


@dataclass(frozen=True)
class _Key:
    """How a statement is recognised in another version of its module."""

    names: frozenset[str]
    is_import: bool
    #: For statements that bind nothing: their syntax tree, dumped (layout does not matter).
    code: str

    @property
    def is_definition(self) -> bool:
        return bool(self.names) and not self.is_import


def restore_definitions(module: cst.Module, definitions: Sequence[OldDefinition]) -> cst.Module:
    """``module`` with each definition inserted at a position mirroring its old neighbours."""
    body: list[cst.BaseStatement] = [s for s in module.body if isinstance(s, cst.BaseStatement)]
    if len(body) != len(module.body):  # pragma: no cover - libcst's Module.body holds statements
        raise ValueError("unexpected module body")
    keys = [_key(module, statement) for statement in body]
    floor = _after_header(body)
    for definition in _dependencies_first(definitions):
        old_keys = definition.old.keys
        position = _mirrored_position(definition.index, old_keys, keys)
        needed_above = [i + 1 for i, key in enumerate(keys) if key.names & definition.needs]
        lowest = floor
        if any(key.is_import for key in old_keys[: definition.index]):
            lowest = _after_imports(body)  # it came after imports then: it does now
        position = max([position, lowest, *needed_above])
        statement = definition.statement
        if position < len(body):
            statement, body[position] = _share_comments(statement, body[position])
        body.insert(position, statement)
        keys.insert(position, old_keys[definition.index])
    return module.with_changes(body=body)


def add_imports(module: cst.Module, imports: Sequence[ImportSpec]) -> cst.Module:
    """``module`` with the imports added (those it already has are the caller's business)."""
    body: list[cst.BaseStatement] = [s for s in module.body if isinstance(s, cst.BaseStatement)]
    new_from: dict[str, list[ImportSpec]] = {}
    new_plain: list[ImportSpec] = []
    for spec in imports:
        if spec.name is None:
            new_plain.append(spec)
            continue
        for i, statement in enumerate(body):
            node = _single_from_import(statement, spec.module)
            if node is not None:
                assert isinstance(statement, cst.SimpleStatementLine)
                body[i] = statement.with_changes(body=[_append_alias(node, _alias(spec))])
                break
        else:
            new_from.setdefault(spec.module, []).append(spec)
    statements: list[tuple[cst.BaseStatement, OldDefinition | None]] = []
    for spec in new_plain:
        alias = f" as {spec.asname}" if spec.asname else ""
        statements.append((cst.parse_statement(f"import {spec.module}{alias}\n"), spec.origin))
    for name, specs in new_from.items():
        listed = ", ".join(
            s.name + (f" as {s.asname}" if s.asname else "") for s in specs if s.name
        )
        origin = next((s.origin for s in specs if s.origin is not None), None)
        statements.append((cst.parse_statement(f"from {name} import {listed}\n"), origin))
    for statement, origin in statements:
        if origin is not None:
            statement = _like_origin(statement, origin)
        end = _after_imports(body)
        position = end
        if origin is not None:
            keys = [_key(module, s) for s in body]
            mirrored = _mirrored_position(
                origin.index, origin.old.keys, keys, prefer_definitions=False
            )
            position = min(max(mirrored, _after_header(body)), end)
        body.insert(position, statement)
    return module.with_changes(body=body)


# -------------------------------------------------------------------- positions


def _key(module: cst.Module, statement: cst.BaseStatement) -> _Key:
    code = module.code_for_node(statement.with_changes(leading_lines=()))
    try:
        nodes = ast.parse(code).body
    except SyntaxError:
        return _Key(frozenset(), False, code)
    return _key_of(*nodes)


def _key_of(*nodes: ast.stmt) -> _Key:
    names = frozenset(
        module_bindings(ast.Module(body=list(nodes), type_ignores=[]), deep=False).names
    )
    is_import = all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in nodes)
    return _Key(names, is_import, "" if names else "".join(ast.dump(n) for n in nodes))


def _matches(old: _Key, current: _Key) -> bool:
    if old.names or current.names:
        return bool(old.names & current.names)
    return old.code == current.code


def _mirrored_position(
    index: int, old_keys: list[_Key], keys: list[_Key], *, prefer_definitions: bool = True
) -> int:
    """After the nearest old neighbour above that still exists, or before the nearest below.

    Definitions are preferred over imports and docstrings as neighbours: import blocks change
    shape often, and a class dropped between two imports reads badly.
    """
    for any_statement in (False, True) if prefer_definitions else (True,):
        best: tuple[int, int] | None = None  # (distance, position)
        for j in range(index - 1, -1, -1):
            if not (any_statement or old_keys[j].is_definition):
                continue
            found = _find(keys, old_keys[j], last=True)
            if found is not None:
                best = (index - j, found + 1)
                break
        for j in range(index + 1, len(old_keys)):
            if not (any_statement or old_keys[j].is_definition):
                continue
            found = _find(keys, old_keys[j], last=False)
            if found is not None:
                if best is None or j - index < best[0]:
                    best = (j - index, found)
                break
        if best is not None:
            return best[1]
    return len(keys)


def _share_comments(
    restored: cst.BaseStatement, following: cst.BaseStatement
) -> tuple[cst.BaseStatement, cst.BaseStatement]:
    """A section comment that was above the restored statement and is now above the statement
    it goes before (the refactor kept the comment, dropped the class) moves up, not doubles."""
    comments = [line.comment.value for line in _leading(restored) if line.comment is not None]
    kept = [line.comment.value for line in _leading(following) if line.comment is not None]
    if not comments or comments != kept:
        return restored, following
    # What separated the restored statement from the one above it now separates the two.
    blank = list(itertools.takewhile(lambda line: line.comment is None, _leading(restored)))
    return (
        restored.with_changes(leading_lines=_leading(following)),
        following.with_changes(leading_lines=blank),
    )


def _leading(statement: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    lines: Sequence[cst.EmptyLine] = getattr(statement, "leading_lines", ())
    return lines


def _find(keys: list[_Key], wanted: _Key, *, last: bool) -> int | None:
    indices = [i for i, key in enumerate(keys) if _matches(wanted, key)]
    if not indices:
        return None
    return indices[-1] if last else indices[0]


def _dependencies_first(definitions: Sequence[OldDefinition]) -> list[OldDefinition]:
    provides = [d.old.keys[d.index].names for d in definitions]
    ordered: list[OldDefinition] = []
    state: dict[int, bool] = {}  # False: in progress (a cycle stops there), True: placed

    def visit(i: int) -> None:
        if i in state:
            return
        state[i] = False
        for j, names in enumerate(provides):
            if j != i and names & definitions[i].needs:
                visit(j)
        state[i] = True
        ordered.append(definitions[i])

    for i in range(len(definitions)):
        visit(i)
    return ordered


def _is_future_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(s, cst.ImportFrom)
        and isinstance(s.module, cst.Name)
        and s.module.value == "__future__"
        for s in statement.body
    )


def _after_header(body: list[cst.BaseStatement]) -> int:
    """The first position after the module docstring and ``from __future__`` imports."""
    position = 0
    if body and is_docstring(body[0]):
        position = 1
    while position < len(body) and _is_future_import(body[position]):
        position += 1
    return position


def _after_imports(body: list[cst.BaseStatement]) -> int:
    """The position after the module's leading block of imports."""
    position = _after_header(body)
    last = position
    for i in range(position, len(body)):
        statement = body[i]
        if isinstance(statement, cst.SimpleStatementLine) and all(
            isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
        ):
            last = i + 1
        else:
            break
    return last


# -------------------------------------------------------------------- imports


def _like_origin(statement: cst.BaseStatement, origin: OldDefinition) -> cst.BaseStatement:
    """The old statement itself when it imports exactly the same names (its comments and layout
    come back too); otherwise ``statement`` with the blank lines and comments the old one had above it."""
    old = origin.statement
    same = (
        statement_bindings(cst.Module([]).code_for_node(statement))
        == origin.old.keys[origin.index].names
    )
    if same and _import_modules(statement) == _import_modules(old):
        return old
    if isinstance(old, cst.SimpleStatementLine) and isinstance(statement, cst.SimpleStatementLine):
        return statement.with_changes(leading_lines=old.leading_lines)
    return statement


def _import_modules(statement: cst.BaseStatement) -> list[str]:
    modules: list[str] = []
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.ImportFrom) and small.module is not None:
                modules.append(
                    "." * len(small.relative) + cst.Module([]).code_for_node(small.module)
                )
            elif isinstance(small, cst.Import):
                modules.extend(cst.Module([]).code_for_node(a.name) for a in small.names)
    return modules


def _single_from_import(statement: cst.BaseStatement, module: str) -> cst.ImportFrom | None:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    node = statement.body[0]
    if (
        not isinstance(node, cst.ImportFrom)
        or node.relative
        or isinstance(node.names, cst.ImportStar)
    ):
        return None
    if node.module is None or cst.Module([]).code_for_node(node.module) != module:
        return None
    return node


def _alias(spec: ImportSpec) -> cst.ImportAlias:
    assert spec.name is not None
    return cst.ImportAlias(
        name=cst.Name(spec.name),
        asname=cst.AsName(cst.Name(spec.asname)) if spec.asname else None,
    )


def _append_alias(node: cst.ImportFrom, alias: cst.ImportAlias) -> cst.ImportFrom:
    """``node`` with ``alias`` added after its last name, in the statement's own layout."""
    assert not isinstance(node.names, cst.ImportStar)
    names = list(node.names)
    last = names[-1]
    line_break = _name_line_break(node)
    if node.lpar is None or line_break is None:
        if isinstance(last.comma, cst.Comma):  # "(a, b,)": keep the trailing comma last
            names[-1] = last.with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
            names.append(alias.with_changes(comma=last.comma))
        else:
            names[-1] = last.with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
            names.append(alias)
        return node.with_changes(names=names)
    # One name per line: the new name gets its own line, the closing parenthesis stays put.
    if isinstance(last.comma, cst.Comma):
        closing = last.comma.whitespace_after
        if isinstance(closing, cst.ParenthesizedWhitespace):
            names[-1] = last.with_changes(
                comma=last.comma.with_changes(
                    whitespace_after=closing.with_changes(
                        indent=line_break.indent, last_line=line_break.last_line
                    )
                )
            )
            names.append(
                alias.with_changes(
                    comma=cst.Comma(
                        whitespace_after=cst.ParenthesizedWhitespace(
                            indent=closing.indent, last_line=closing.last_line
                        )
                    )
                )
            )
            return node.with_changes(names=names)
        names[-1] = last.with_changes(comma=last.comma.with_changes(whitespace_after=line_break))
        names.append(alias.with_changes(comma=cst.Comma()))
        return node.with_changes(names=names)
    names[-1] = last.with_changes(comma=cst.Comma(whitespace_after=line_break))
    names.append(alias)
    return node.with_changes(names=names)


def _name_line_break(node: cst.ImportFrom) -> cst.ParenthesizedWhitespace | None:
    """The line break and indentation that put one name on its own line, if the names are laid
    out that way."""
    assert not isinstance(node.names, cst.ImportStar)
    candidates: list[cst.BaseParenthesizableWhitespace] = []
    if node.lpar is not None:
        candidates.append(node.lpar.whitespace_after)
    candidates.extend(
        a.comma.whitespace_after for a in node.names[:-1] if isinstance(a.comma, cst.Comma)
    )
    for whitespace in candidates:
        if isinstance(whitespace, cst.ParenthesizedWhitespace) and whitespace.last_line.value:
            return cst.ParenthesizedWhitespace(
                indent=whitespace.indent, last_line=whitespace.last_line
            )
    return None

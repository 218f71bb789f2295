"""Move top-level definitions (and class members) from one module into another, with the
imports they need.

The caller decides *what* moves (``MergePlan``); this module edits the receiving module: the
imports the moved code needs and the receiver lacks are added after its last top-level import,
the definitions are appended at the end (comments kept), and extra class members go after the
last attribute of the receiving class. Nothing is reformatted.
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst

from fixup.codemods.nodes import code
from fixup.codemods.sqlalchemy_models import ModuleModels

_BUILTINS = frozenset(dir(builtins))
_STDLIB = frozenset(sys.stdlib_module_names)


@dataclass(frozen=True)
class MergePlan:
    #: Top-level names of the source module to append to the receiver, in the source's order.
    definitions: Sequence[str] = ()
    #: Class name in the receiver -> (anchor, statement) to add to its body: each statement (from
    #: the source's copy) goes right after the member named ``anchor``, or after the last
    #: attribute when the anchor is None or missing.
    members: Mapping[str, Sequence[tuple[str | None, cst.BaseStatement]]] = field(
        default_factory=dict
    )


def needed_imports(
    statements: Sequence[cst.CSTNode],
    source: ModuleModels,
    receiver: ModuleModels,
    is_receiver: Callable[[str], bool],
) -> list[cst.SimpleStatementLine]:
    """Import statements for the names ``statements`` use that ``source`` imports and the
    receiver does not bind. ``is_receiver(module_as_written)`` filters imports of the receiver itself."""
    used = _names_used(statements)
    bound = set(receiver.imports) | set(receiver.definitions)
    from_groups: dict[str, list[str]] = {}
    plain: list[str] = []
    for local, imported in source.imports.items():
        if local not in used or local in bound or is_receiver(imported.module):
            continue
        if imported.name is None:
            first = imported.module.split(".")[0]
            plain.append(imported.module if local == first else f"{imported.module} as {local}")
        else:
            alias = imported.name if imported.name == local else f"{imported.name} as {local}"
            from_groups.setdefault(imported.module, []).append(alias)
    lines = [f"from {module} import {', '.join(names)}" for module, names in from_groups.items()]
    lines += [f"import {entry}" for entry in dict.fromkeys(plain)]
    result = []
    for line in lines:
        statement = cst.parse_statement(line + "\n")
        assert isinstance(statement, cst.SimpleStatementLine)
        result.append(statement)
    return result


def merge(
    receiver: cst.Module,
    source: cst.Module,
    plan: MergePlan,
    imports: Sequence[cst.SimpleStatementLine],
    first_party: frozenset[str] = frozenset(),
) -> cst.Module:
    """``receiver`` with ``plan`` carried out and ``imports`` added.

    A new import line goes into its isort section (standard library, third party, the project's
    own ``first_party`` packages and relative imports), in order by module where it can.
    """
    moved = [
        s
        for s in source.body
        if _defined_names(s) and set(_defined_names(s)) <= set(plan.definitions)
    ]
    body: list[cst.BaseStatement] = [
        _with_members(s, plan.members) if isinstance(s, cst.ClassDef) else s for s in receiver.body
    ]
    for line in imports:
        index = _same_module_import(body, line)
        if index is None:
            _insert_import(body, line, first_party)
        else:
            body[index] = _add_names(body[index], line)
    for index, statement in enumerate(moved):
        comments = [empty for empty in statement.leading_lines if empty.comment is not None]
        blank = cst.EmptyLine()
        if isinstance(statement, (cst.ClassDef, cst.FunctionDef)) or index == 0:
            leading = [blank, blank, *comments]
        else:
            leading = list(statement.leading_lines)
        body.append(statement.with_changes(leading_lines=leading))
    return receiver.with_changes(body=body)


def _section(line: cst.BaseStatement, first_party: frozenset[str]) -> tuple[int, str]:
    """isort's order for an import line: (section, module)."""
    assert isinstance(line, cst.SimpleStatementLine)
    node = line.body[0]
    if isinstance(node, cst.ImportFrom):
        if node.relative:
            return 3, _written(node)
        module = _written(node)
    else:
        assert isinstance(node, cst.Import)
        module = cst.Module([]).code_for_node(node.names[0].name)
    top = module.split(".")[0]
    if top in _STDLIB:
        return 0, module
    return (2 if top in first_party else 1), module


def _insert_import(
    body: list[cst.BaseStatement], line: cst.SimpleStatementLine, first_party: frozenset[str]
) -> None:
    """Put ``line`` after the last import of its section that sorts before it, else first in its
    section, else in a new section before the next one or after the last import. Blank lines
    between sections stay where they were."""
    wanted = _section(line, first_party)
    imports = [(i, _section(s, first_party)) for i, s in enumerate(body) if _is_import(s)]
    blank = [cst.EmptyLine()]
    if not imports:
        body.insert(0, line)
        return
    same = [(i, key) for i, key in imports if key[0] == wanted[0]]
    if same:
        before = [i for i, key in same if key[1] <= wanted[1]]
        if before:
            body.insert(before[-1] + 1, line)
            return
        position, leading = same[0][0], []
    else:
        later = [i for i, key in imports if key[0] > wanted[0]]
        if not later:
            body.insert(imports[-1][0] + 1, line.with_changes(leading_lines=blank))
            return
        position, leading = later[0], blank
    # Taking the place of the first line of a section: take its leading lines too.
    old = body[position]
    assert isinstance(old, cst.SimpleStatementLine)
    body[position] = old.with_changes(leading_lines=leading)
    body.insert(position, line.with_changes(leading_lines=old.leading_lines))


def _same_module_import(
    body: Sequence[cst.BaseStatement], statement: cst.SimpleStatementLine
) -> int | None:
    """The receiver's top-level ``from`` import of the same module, to add names to."""
    wanted = statement.body[0]
    if not isinstance(wanted, cst.ImportFrom):
        return None
    for index, line in enumerate(body):
        if not (isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1):
            continue
        node = line.body[0]
        if (
            isinstance(node, cst.ImportFrom)
            and not isinstance(node.names, cst.ImportStar)
            and _written(node) == _written(wanted)
            and "#" not in code(node)
        ):
            return index
    return None


def _written(node: cst.ImportFrom) -> str:
    return "." * len(node.relative) + (
        cst.Module([]).code_for_node(node.module) if node.module else ""
    )


def _add_names(line: cst.BaseStatement, statement: cst.SimpleStatementLine) -> cst.BaseStatement:
    """``from m import a, c`` + ``from m import b`` -> ``from m import a, b, c`` (sorted when it was)."""
    assert isinstance(line, cst.SimpleStatementLine)
    node, extra = line.body[0], statement.body[0]
    assert isinstance(node, cst.ImportFrom) and isinstance(extra, cst.ImportFrom)
    assert not isinstance(node.names, cst.ImportStar) and not isinstance(
        extra.names, cst.ImportStar
    )
    names = list(node.names)
    keys = [cst.Module([]).code_for_node(a.name) for a in names]
    separator = (
        names[0].comma if len(names) > 1 else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    )
    last_comma = names[-1].comma
    names = [a.with_changes(comma=separator) for a in names]
    for alias in extra.names:
        key = cst.Module([]).code_for_node(alias.name)
        position = len(names)
        if keys == sorted(keys):
            position = next((i for i, k in enumerate(keys) if k > key), len(names))
        names.insert(position, alias.with_changes(comma=separator))
        keys.insert(position, key)
    names[-1] = names[-1].with_changes(comma=last_comma)
    return line.with_changes(body=[node.with_changes(names=names)])


def _with_members(
    node: cst.ClassDef, members: Mapping[str, Sequence[tuple[str | None, cst.BaseStatement]]]
) -> cst.ClassDef:
    extra = members.get(node.name.value)
    if not extra or not isinstance(node.body, cst.IndentedBlock):
        return node
    body = list(node.body.body)
    for anchor, statement in extra:
        position = next(
            (
                i + 1
                for i, s in enumerate(body)
                if anchor is not None and anchor in _defined_names(s)
            ),
            None,
        )
        if position is None:
            position = max(
                (i + 1 for i, s in enumerate(body) if isinstance(s, cst.SimpleStatementLine)),
                default=len(body),
            )
        body.insert(position, statement)
    return node.with_changes(body=node.body.with_changes(body=body))


def _is_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
    )


def _defined_names(statement: cst.BaseStatement) -> list[str]:
    if isinstance(statement, (cst.ClassDef, cst.FunctionDef)):
        return [statement.name.value]
    names: list[str] = []
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.Assign):
                names += [t.target.value for t in small.targets if isinstance(t.target, cst.Name)]
            elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                names.append(small.target.value)
    return names


def _names_used(nodes: Sequence[cst.CSTNode]) -> set[str]:
    """Every bare name the nodes read (a superset is fine: unbound names are ignored)."""
    found: set[str] = set()

    class Collector(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

        def visit_Attribute(self, node: cst.Attribute) -> bool:
            node.value.visit(self)
            return False  # the attribute name itself is not a bare name

    for node in nodes:
        node.visit(Collector())
    return found - _BUILTINS

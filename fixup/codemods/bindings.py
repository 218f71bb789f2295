"""What a module binds at its top level, what it imports, and what a statement refers to.

Read-only analysis on the standard library's ``ast`` (fast enough to run over thousands of old
versions of a file); the editing is done by libcst in the sibling codemods. Nothing here knows
about git or about a project's layout: module names come back as written, with their dots.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

#: A name ``from <module> import <name> [as <asname>]`` asks for (``asname`` "" when absent);
#: ``level`` counts the leading dots.
FromImport = tuple[int, str, str, str, int]  # (level, module, name, asname, line)


@dataclass
class ModuleBindings:
    """The names a module binds at its top level, and what makes that set uncertain."""

    names: set[str] = field(default_factory=set)
    #: ``from <module> import *`` at the top level, as (level, module).
    star_imports: list[tuple[int, str]] = field(default_factory=list)
    #: A module-level ``__getattr__`` (PEP 562), defined or assigned: any name may exist.
    has_getattr: bool = False
    #: ``globals()[...] = ...``, ``globals().update(...)``, or ``globals()`` handed to a call
    #: (alembic's ``create_module_class_proxy(globals(), locals())``, protobuf's builder):
    #: names made at run time.
    dynamic: bool = False
    #: The names listed in a literal ``__all__``, with its line, or None.
    all_names: list[str] | None = None
    all_line: int | None = None


@dataclass
class ImportFacts:
    """What one file imports from other modules, and which module attributes it reads
    (computed by ``fixup.index``, with the rest of a file's facts, in one walk)."""

    #: Every ``from m import n`` in the file (functions and ``try`` blocks included).
    from_imports: list[FromImport] = field(default_factory=list)
    #: ``import a.b.c`` binds ``a`` to ``a``; ``import a.b as m`` binds ``m`` to ``a.b``.
    module_aliases: dict[str, str] = field(default_factory=dict)
    #: ``alias.attr.attr`` chains whose root is a name bound by an import, and by nothing else
    #: in the file (a parameter or variable of the same name makes it ambiguous): (chain, line).
    attribute_reads: list[tuple[str, int]] = field(default_factory=list)
    #: Chains assigned to (``models.X = ...`` defines ``X`` on the module at run time).
    attribute_writes: list[str] = field(default_factory=list)


def module_bindings(tree: ast.Module, *, deep: bool = True) -> ModuleBindings:
    """Every name bound at module level: definitions, assignments, imports, loop targets, ...

    ``deep`` also counts what functions bind in the module (``global x``, ``globals()[k] =``):
    right for "is this name defined?", wrong for "which statement defines it?", and slower.
    """
    result = ModuleBindings()
    for node in _module_scope_nodes(tree.body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            result.names.add(node.name)
            if node.name == "__getattr__" and not isinstance(node, ast.ClassDef):
                result.has_getattr = True
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            result.names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    assert isinstance(node, ast.ImportFrom)
                    result.star_imports.append((node.level, node.module or ""))
                else:
                    result.names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            result.names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            result.names.add(node.rest)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            result.names.add(node.name)
    # Functions bind module-level names too: `global x` then `x = ...`, or `globals()[k] = v`.
    for node in ast.walk(tree) if deep else ():
        if isinstance(node, ast.Global):
            result.names.update(node.names)
        elif _writes_globals(node):
            result.dynamic = True
    if "__getattr__" in result.names:
        result.has_getattr = True  # `__getattr__ = getattr_migration(__name__)` (pydantic)
    for statement in tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                names = _string_list(statement.value)
                if names is not None:
                    result.all_names = (
                        (result.all_names or []) + names
                        if isinstance(statement, ast.AugAssign)
                        else names
                    )
                    result.all_line = statement.lineno
    return result


def statement_bindings(source: str) -> frozenset[str]:
    """The names one top-level statement (given as source) binds."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return frozenset()
    return frozenset(module_bindings(tree, deep=False).names)


def referenced_names(source: str) -> set[str]:
    """Names a statement reads anywhere (function bodies too), and names in string annotations
    such as ``Optional['TokenUsage']``."""
    tree = ast.parse(source)
    names = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    for annotation in _annotations(tree):
        for node in ast.walk(annotation):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                names |= _names_in_string(node.value)
    return names


def eagerly_referenced_names(source: str) -> set[str]:
    """Names a statement reads while it runs (bases, decorators, defaults, class bodies,
    annotations), not those read later inside function bodies: these must be bound before it."""
    tree = ast.parse(source)
    names: set[str] = set()
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            names.add(node.id)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.extend(node.decorator_list)
            stack.append(node.args)
            if node.returns is not None:
                stack.append(node.returns)
            continue
        if isinstance(node, ast.Lambda):
            stack.append(node.args)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return names


def _module_scope_nodes(body: Iterable[ast.stmt]) -> Iterator[ast.AST]:
    """Nodes evaluated in module scope that may bind a name: stops at function, class and
    lambda bodies and comprehensions, and does not descend into what binds nothing below it
    (constants, names, import aliases). It runs on every file of a project: fields are looked
    up once per node type instead of through ``ast.iter_child_nodes``."""
    stack: list[ast.AST] = list(body)
    pop, extend, push = stack.pop, stack.extend, stack.append
    fields_of = _SCOPE_FIELDS
    while stack:
        node = pop()
        yield node
        kind = type(node)
        fields = fields_of.get(kind)
        if fields is None:
            fields = fields_of[kind] = _scope_fields(kind)
        for name in fields:
            child = getattr(node, name)
            if type(child) is list:
                extend(child)
            elif child is not None:
                push(child)


#: Node type -> the fields ``_module_scope_nodes`` descends into; filled as types are met.
_SCOPE_FIELDS: dict[type, tuple[str, ...]] = {}
#: Types whose children are never in module scope or bind nothing.
_SCOPE_STOPS = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda,  # their own scope
    ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,  # targets local to them
    ast.Constant, ast.Name, ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal,
)  # fmt: skip
#: Fields whose children no walk here reads: strings, Load/Store markers, operators, and
#: import aliases and ``global`` names (their statements are read as a whole).
SCALAR_FIELDS = frozenset(
    {"ctx", "id", "attr", "name", "arg", "module", "level", "kind", "type_comment", "conversion",
     "is_async", "asname", "names", "kwd_attrs", "rest", "n", "s", "op"}
)  # fmt: skip


def child_fields(kind: type) -> tuple[str, ...]:
    """The fields of an ``ast`` node type that may hold the nodes a walk descends into."""
    return tuple(f for f in getattr(kind, "_fields", ()) if f not in SCALAR_FIELDS)


def _scope_fields(kind: type) -> tuple[str, ...]:
    return () if issubclass(kind, _SCOPE_STOPS) else child_fields(kind)


def _writes_globals(node: ast.AST) -> bool:
    """``globals()[name] = ...``, ``globals().update(...)``, or ``f(globals())``: whoever gets
    the namespace can write to it."""
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
        return _is_globals_call(node.value)
    if isinstance(node, ast.Call):
        # Only globals(): a function's locals() or vars() are its own, not the module's.
        arguments = [*node.args, *(k.value for k in node.keywords)]
        return any(
            _is_globals_call(a)
            and isinstance(a, ast.Call)
            and getattr(a.func, "id", "") == "globals"
            for a in arguments
        )
    return (
        isinstance(node, ast.Attribute) and node.attr == "update" and _is_globals_call(node.value)
    )


def _is_globals_call(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("globals", "vars")
        and not node.args
    )


def _string_list(node: ast.expr | None) -> list[str] | None:
    if isinstance(node, (ast.List, ast.Tuple)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return [
            e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
    return None


def _annotations(tree: ast.AST) -> Iterator[ast.expr]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.AnnAssign, ast.arg)) and node.annotation is not None:
            yield node.annotation
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
            yield node.returns


def _names_in_string(text: str) -> set[str]:
    try:
        expression = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(expression) if isinstance(n, ast.Name)}

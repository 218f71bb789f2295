"""Which top-level statements of a module name which: the module's reference graph.

Reading only. Each top-level statement becomes a ``TopLevel``: the names it binds, and the
module-level names it uses, each with how it uses them:

- ``runtime``: an ordinary reference; the name must exist in the module's namespace when the
  code runs (a base class, a default value, a decorator, a call inside a function body, an
  annotation Python or Pydantic evaluates);
- ``annotation``: only inside a string annotation (``Optional["TokenUsage"]``), or inside any
  annotation when the module has ``from __future__ import annotations``;
- ``registry``: a string that SQLAlchemy resolves through its class registry when mappers are
  configured (``relationship("Address", order_by="Address.id")``), never a Python name lookup.

Scopes come from libcst's ``ScopeProvider``, so a function's local ``user`` does not count as a
reference to a top-level ``user``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Literal

import libcst as cst
from libcst.metadata import GlobalScope, MetadataWrapper, PositionProvider, ScopeProvider

from fixup.codemods.nodes import dotted_name, walk
from fixup.index import model_kind

UseKind = Literal["runtime", "annotation", "registry"]
StatementKind = Literal["docstring", "future", "import", "all", "definition"]

#: Calls whose string arguments SQLAlchemy evaluates against its class registry.
_RELATIONSHIP_CALLS = frozenset({"relationship", "relation", "Relationship"})
_REGISTRY_KEYWORDS = frozenset(
    {
        "argument",
        "secondary",
        "primaryjoin",
        "secondaryjoin",
        "order_by",
        "foreign_keys",
        "remote_side",
    }
)
#: Class-body calls and names that mark a SQLAlchemy-mapped class.
_MAPPING_MARKERS = frozenset(
    {"mapped_column", "Column", "relationship", "relation", "column_property", "Mapped"}
)
_ENUM_BASES = frozenset({"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"})
#: SQLModel is left out: its table classes resolve relationships their own way.


@dataclass(frozen=True, eq=False)
class TopLevel:
    """One top-level statement of the module."""

    index: int
    #: The statement as parsed (its ``leading_lines`` carry the comments above it).
    node: cst.BaseStatement = field(repr=False)
    kind: StatementKind
    #: Module-level names the statement binds.
    defines: frozenset[str]
    #: Module-level name -> how this statement uses it (names it binds itself are left out).
    uses: Mapping[str, frozenset[UseKind]]
    #: 1-based first line of the statement itself (not of the comments above it) and its length.
    line: int
    lines: int
    #: For a class: its base classes as written (dotted), and what it looks like.
    bases: tuple[str, ...] = ()
    is_class: bool = False
    is_enum: bool = False
    is_mapped: bool = False
    #: A Pydantic model: it evaluates its annotations and has ``model_rebuild()``.
    is_pydantic: bool = False

    @property
    def name(self) -> str:
        """A name to show for the statement: the class, function or first assigned name."""
        if isinstance(self.node, (cst.ClassDef, cst.FunctionDef)):
            return self.node.name.value
        return min(self.defines) if self.defines else f"<statement at line {self.line}>"


@dataclass(frozen=True, eq=False)
class ReferenceGraph:
    """A module's top-level statements and the references between them."""

    module: cst.Module = field(repr=False)
    statements: tuple[TopLevel, ...]
    #: True when the module starts with ``from __future__ import annotations``.
    future_annotations: bool

    def defined_by(self) -> dict[str, list[int]]:
        """Name -> the statements that bind it (several for a name bound twice)."""
        return {name: list(indexes) for name, indexes in self._owners.items()}

    @cached_property
    def _owners(self) -> dict[str, tuple[int, ...]]:
        owners: dict[str, list[int]] = {}
        for statement in self.statements:
            for name in statement.defines:
                owners.setdefault(name, []).append(statement.index)
        return {name: tuple(indexes) for name, indexes in owners.items()}

    @cached_property
    def _dependency_cache(self) -> dict[tuple[int, frozenset[UseKind] | None], frozenset[int]]:
        return {}

    def dependencies(self, index: int, kinds: frozenset[UseKind] | None = None) -> set[int]:
        """The statements whose names statement ``index`` uses (of the given kinds, default any)."""
        key = (index, kinds)
        cached = self._dependency_cache.get(key)
        if cached is None:
            found: set[int] = set()
            for name, used in self.statements[index].uses.items():
                if kinds is None or used & kinds:
                    found.update(self._owners.get(name, ()))
            found.discard(index)
            cached = self._dependency_cache[key] = frozenset(found)
        return set(cached)

    @cached_property
    def _users(self) -> dict[int, frozenset[int]]:
        users: dict[int, set[int]] = {s.index: set() for s in self.statements}
        for statement in self.statements:
            for target in self.dependencies(statement.index):
                users[target].add(statement.index)
        return {index: frozenset(found) for index, found in users.items()}

    def users(self, index: int) -> set[int]:
        """The statements that use a name statement ``index`` binds (any kind of use)."""
        return set(self._users.get(index, ()))


def build_graph(module: cst.Module) -> ReferenceGraph:
    """The reference graph of ``module`` (see the module docstring for the kinds of use)."""
    # The tree is never edited here (and parsed trees are shared and immutable): no copy needed.
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    positions = wrapper.resolve(PositionProvider)
    tree = wrapper.module
    future = _has_future_annotations(tree)

    owner: dict[int, int] = {}
    for index, statement in enumerate(tree.body):
        for node in walk(statement):
            owner[id(node)] = index

    global_scope = next((s for s in scopes.values() if isinstance(s, GlobalScope)), None)
    defines: dict[int, set[str]] = {i: set() for i in range(len(tree.body))}
    uses: dict[int, dict[str, set[UseKind]]] = {i: {} for i in range(len(tree.body))}
    if global_scope is not None:
        for assignment in global_scope.assignments:
            bound: object = getattr(assignment, "node", None)
            if bound is not None and id(bound) in owner:
                defines[owner[id(bound)]].add(assignment.name)
        seen: set[int] = set()
        for scope in scopes.values():
            if scope is None or id(scope) in seen:
                continue
            seen.add(id(scope))
            for access in scope.accesses:
                user = owner.get(id(access.node))
                if user is None:
                    continue
                for referent in access.referents:
                    if referent.scope is not global_scope:
                        continue
                    if isinstance(access.node, (cst.SimpleString, cst.ConcatenatedString)):
                        kind: UseKind = "annotation"
                    elif access.is_annotation and future:
                        kind = "annotation"
                    else:
                        kind = "runtime"
                    uses[user].setdefault(referent.name, set()).add(kind)
    global_names = {name for names in defines.values() for name in names}
    for index, statement in enumerate(tree.body):
        for name in _registry_names(statement):
            if name in global_names:
                uses[index].setdefault(name, set()).add("registry")

    statements: list[TopLevel] = []
    for index, statement in enumerate(tree.body):
        start = positions[statement].start.line
        end = positions[statement].end.line
        own = frozenset(defines[index])
        bases = _bases(statement)
        statements.append(
            TopLevel(
                index=index,
                node=statement,
                kind=_kind(statement, index),
                defines=own,
                uses={
                    name: frozenset(kinds) for name, kinds in uses[index].items() if name not in own
                },
                line=start,
                lines=end - start + 1,
                bases=bases,
                is_class=isinstance(statement, cst.ClassDef),
                is_enum=any(base.rpartition(".")[2] in _ENUM_BASES for base in bases),
                is_mapped=isinstance(statement, cst.ClassDef) and _looks_mapped(statement),
                is_pydantic=isinstance(statement, cst.ClassDef)
                and model_kind(bases, table_keyword=_table_keyword(statement), tablename=False)
                == "pydantic",
            )
        )
    return ReferenceGraph(tree, tuple(_inherit_class_traits(statements)), future)


def _inherit_class_traits(statements: list[TopLevel]) -> Iterator[TopLevel]:
    """A subclass of an enum (a mapped class, a Pydantic model) defined in the same module is one too."""
    by_name = {s.node.name.value: s for s in statements if isinstance(s.node, cst.ClassDef)}
    traits = {name: (s.is_enum, s.is_mapped, s.is_pydantic) for name, s in by_name.items()}
    changed = True
    while changed:
        changed = False
        for name, statement in by_name.items():
            inherited = traits[name]
            for base in statement.bases:
                parent = traits.get(base)
                if parent:
                    inherited = (
                        inherited[0] or parent[0],
                        inherited[1] or parent[1],
                        inherited[2] or parent[2],
                    )
            if inherited != traits[name]:
                traits[name] = inherited
                changed = True
    for statement in statements:
        if isinstance(statement.node, cst.ClassDef):
            enum, mapped, pydantic = traits[statement.node.name.value]
            statement = replace(statement, is_enum=enum, is_mapped=mapped, is_pydantic=pydantic)
        yield statement


def _has_future_annotations(module: cst.Module) -> bool:
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if (
                isinstance(small, cst.ImportFrom)
                and dotted_name(small.module) == "__future__"
                and not isinstance(small.names, cst.ImportStar)
                and any(
                    isinstance(a.name, cst.Name) and a.name.value == "annotations"
                    for a in small.names
                )
            ):
                return True
    return False


def _kind(statement: cst.BaseStatement, index: int) -> StatementKind:
    if isinstance(statement, cst.SimpleStatementLine):
        smalls = statement.body
        if (
            index == 0
            and len(smalls) == 1
            and isinstance(smalls[0], cst.Expr)
            and isinstance(smalls[0].value, (cst.SimpleString, cst.ConcatenatedString))
        ):
            return "docstring"
        if all(
            isinstance(s, cst.ImportFrom) and dotted_name(s.module) == "__future__" for s in smalls
        ):
            return "future"
        if all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in smalls):
            return "import"
        if len(smalls) == 1 and _assigns_all(smalls[0]):
            return "all"
        return "definition"
    if _only_imports(statement):
        return "import"
    return "definition"


def _assigns_all(small: cst.BaseSmallStatement) -> bool:
    if isinstance(small, cst.Assign):
        return any(
            isinstance(t.target, cst.Name) and t.target.value == "__all__" for t in small.targets
        )
    if isinstance(small, (cst.AnnAssign, cst.AugAssign)):
        return isinstance(small.target, cst.Name) and small.target.value == "__all__"
    return False


def _only_imports(statement: cst.BaseStatement) -> bool:
    """``if TYPE_CHECKING:`` or ``try:`` blocks that only import (a fallback ``x = None`` is fine)."""
    if not isinstance(statement, (cst.If, cst.Try)):
        return False
    imports = 0
    for node in walk(statement):
        if isinstance(node, (cst.ClassDef, cst.FunctionDef, cst.While, cst.For, cst.With)):
            return False
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    imports += 1
                elif not isinstance(small, (cst.Pass, cst.Assign, cst.Raise, cst.Expr)):
                    return False
    return imports > 0


def _bases(statement: cst.BaseStatement) -> tuple[str, ...]:
    if not isinstance(statement, cst.ClassDef):
        return ()
    return tuple(name for base in statement.bases if (name := dotted_name(base.value)) is not None)


def _looks_mapped(node: cst.ClassDef) -> bool:
    for child in walk(node.body):
        if isinstance(child, cst.Name) and child.value in ("__tablename__", "__table__"):
            return True
        if isinstance(child, cst.Call) and _callee(child) in _MAPPING_MARKERS:
            return True
    return False


def _table_keyword(node: cst.ClassDef) -> bool:
    """SQLModel's ``class Hero(SQLModel, table=True)``."""
    return any(
        kw.keyword is not None
        and kw.keyword.value == "table"
        and isinstance(kw.value, cst.Name)
        and kw.value.value == "True"
        for kw in node.keywords
    )


def _callee(call: cst.Call) -> str | None:
    name = dotted_name(call.func)
    return name.rpartition(".")[2] if name else None


def _registry_names(statement: cst.BaseStatement) -> set[str]:
    """Names inside the strings SQLAlchemy resolves through its registry (relationship targets)."""
    found: set[str] = set()
    for node in walk(statement):
        if not isinstance(node, cst.Call) or _callee(node) not in _RELATIONSHIP_CALLS:
            continue
        for position, arg in enumerate(node.args):
            keyword = arg.keyword.value if arg.keyword else None
            if (keyword is None and position == 0) or keyword in _REGISTRY_KEYWORDS:
                found.update(_names_in_string(arg.value))
    return found


def _names_in_string(node: cst.BaseExpression) -> set[str]:
    if not isinstance(node, cst.SimpleString):
        return set()
    value = node.evaluated_value
    if not isinstance(value, str):
        return set()
    try:
        expression = cst.parse_expression(value)
    except cst.ParserSyntaxError:
        return set()
    names = set()
    for child in walk(expression):
        if isinstance(child, cst.Name):
            names.add(child.value)
    # "Address.id": only the head names a class; attribute names are not references.
    for child in walk(expression):
        if isinstance(child, cst.Attribute):
            names.discard(child.attr.value)
    return names

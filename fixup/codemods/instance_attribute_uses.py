"""Find (and rename) the uses of one attribute of one class in a module, where they are certain.

A use is renamed only when the object it is read from is known to be the class or an instance
of it, from the module's own code:

- ``obj.attr`` where ``obj`` is a parameter annotated with the class (``p: Project``,
  ``Optional[Project]``, ``Project | None``, ``"Project"``), a variable annotated with it, or a
  variable every assignment of which builds or loads one: ``Project(...)``,
  ``session.get(Project, pk)``, ``session.query(Project)....first()``,
  ``session.scalars(select(Project)...).first()``, ``session.scalar(select(Project)...)``
  (awaited or not); a loop variable over ``query(Project)....all()`` or
  ``scalars(select(Project)...)``; ``self`` in methods of the class or of a subclass (``cls``
  there is the class);
- ``Project(attr=...)`` and ``query(Project).filter_by(attr=...)`` keywords;
- ``Project.attr`` where the context shows the column is meant (``Project.attr.desc()``,
  ``Project.attr["key"]``, a comparison, an argument of ``select``/``where``/``order_by``/...).

On a declarative class ``Project.metadata`` is also the ``MetaData`` (``Project.metadata.
create_all()``, ``.tables``): those uses are left alone without a word. Everything else that may
be a use (an object of unknown type, ``Project(**data)``, ``getattr(obj, "attr")``, a class-level
use whose meaning the context does not show) is returned as *unsure*, with its line.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import (
    Assignment,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    ScopeProvider,
)

from fixup.codemods.nodes import dotted_name

#: Methods that keep a ``query(Model)`` / ``select(Model)`` a query of the same model.
_CHAIN_METHODS = frozenset(
    {
        "filter",
        "filter_by",
        "where",
        "order_by",
        "options",
        "join",
        "outerjoin",
        "limit",
        "offset",
        "distinct",
        "execution_options",
        "group_by",
        "having",
        "with_for_update",
        "populate_existing",
        "params",
        "unique",
    }
)
_SELECT_FUNCTIONS = frozenset({"select", "sa.select", "sqlalchemy.select", "future.select"})
#: Methods that return one instance from a query (``first()``) or from a result.
_ONE_ROW = frozenset({"first", "one", "one_or_none", "scalar_one", "scalar_one_or_none"})
#: Column operators and attributes: ``Model.attr.desc()`` means the column.
_COLUMN_API = frozenset(
    {
        "desc",
        "asc",
        "is_",
        "isnot",
        "is_not",
        "in_",
        "not_in",
        "notin_",
        "contains",
        "label",
        "cast",
        "op",
        "like",
        "ilike",
        "not_like",
        "not_ilike",
        "astext",
        "as_string",
        "as_integer",
        "as_float",
        "as_boolean",
        "as_json",
        "as_numeric",
        "any",
        "has",
        "expression",
        "property",
        "comparator",
        "nulls_first",
        "nulls_last",
        "between",
        "concat",
        "startswith",
        "endswith",
        "collate",
        "bool_op",
        "key",
        "type",
    }
)
#: Calls whose positional arguments are column expressions.
_COLUMN_CONSUMERS = frozenset(
    {
        "select",
        "where",
        "filter",
        "order_by",
        "group_by",
        "having",
        "with_only_columns",
        "add_columns",
        "load_only",
        "defer",
        "undefer",
        "distinct",
        "and_",
        "or_",
        "not_",
        "desc",
        "asc",
        "cast",
        "coalesce",
        "Index",
        "query",
        "values",
        "returning",
    }
)


@dataclass(frozen=True)
class ClassRefs:
    """How one module names the class whose attribute is renamed."""

    #: Dotted expressions that denote the class here: ``Project``, ``models.Project``, ...
    names: frozenset[str]
    #: The class's own name when this module defines it at the top level (``self`` in its methods).
    defined_here: str | None = None


@dataclass
class AttributeUses:
    """What ``find_uses`` found: the nodes to rename (by id) and the uses it could not decide."""

    #: id(node) -> new name, for ``Attribute`` nodes (their ``attr``) and keyword ``Arg`` nodes.
    renames: dict[int, str] = field(default_factory=dict)
    #: (line, description) of each possible use left alone.
    unsure: list[tuple[int | None, str]] = field(default_factory=list)


def find_uses(
    module: cst.Module,
    refs: ClassRefs,
    attribute: str,
    new: str,
    class_api: Collection[str],
    result: AttributeUses | None = None,
) -> AttributeUses:
    """The uses of ``attribute`` on the class ``refs`` names (or its instances) in ``module``.

    ``class_api`` lists the attributes of what ``Class.attribute`` means on the class itself
    (``MetaData``'s ``create_all``, ``tables``...): those class-level uses are not column uses.
    """
    result = result if result is not None else AttributeUses()
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    finder = UseFinder(refs, attribute, new, frozenset(class_api), result)
    finder.parents = wrapper.resolve(ParentNodeProvider)
    finder.positions = wrapper.resolve(PositionProvider)
    finder.scopes = wrapper.resolve(ScopeProvider)
    module.visit(finder)
    return result


def rename_uses(
    module: cst.Module,
    renames: Mapping[int, str],
    replacements: Mapping[int, cst.SimpleStatementLine] | None = None,
) -> cst.Module:
    """``module`` with the nodes ``find_uses`` chose renamed (pass the same, unchanged tree).

    ``replacements`` swaps whole nodes of that tree (by id) for others, in the same pass: the
    renamed declaration of the attribute in its class body.
    """
    return module.visit(_Renamer(renames, replacements or {}))


class _Renamer(cst.CSTTransformer):
    def __init__(
        self, renames: Mapping[int, str], replacements: Mapping[int, cst.SimpleStatementLine]
    ) -> None:
        super().__init__()
        self.renames = renames
        self.replacements = replacements

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        return self.replacements.get(id(original_node), updated_node)

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        new = self.renames.get(id(original_node))
        return updated_node.with_changes(attr=cst.Name(new)) if new else updated_node

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        new = self.renames.get(id(original_node))
        if new and updated_node.keyword is not None:
            return updated_node.with_changes(keyword=cst.Name(new))
        return updated_node


class UseFinder(cst.CSTVisitor):
    """Finds the uses ``find_uses`` returns; ``reserved-attributes`` extends it to follow
    values through queries, variables and annotations (``fixers/_reserved_uses.py``)."""

    parents: Mapping[cst.CSTNode, cst.CSTNode]
    positions: Mapping[cst.CSTNode, object]
    scopes: Mapping[cst.CSTNode, object]

    def __init__(
        self,
        refs: ClassRefs,
        attribute: str,
        new: str,
        class_api: frozenset[str],
        result: AttributeUses,
    ) -> None:
        super().__init__()
        self.refs = refs
        self.attribute = attribute
        self.new = new
        self.class_api = class_api
        self.result = result
        self.class_name = sorted(refs.names, key=len)[0] if refs.names else attribute

    # ------------------------------------------------------------ helpers

    def line(self, node: cst.CSTNode) -> int | None:
        position = self.positions.get(node)
        start = getattr(position, "start", None)
        return getattr(start, "line", None)

    def rename(self, node: cst.CSTNode) -> None:
        self.result.renames[id(node)] = self.new

    def unsure(self, node: cst.CSTNode, what: str) -> None:
        self.result.unsure.append((self.line(node), what))

    def is_class(self, node: cst.BaseExpression) -> bool:
        name = dotted_name(node)
        return name is not None and name in self.refs.names

    def returns_instance(self, node: cst.BaseExpression) -> bool:
        """True when ``node`` evaluates to an instance of the class (or None)."""
        if isinstance(node, cst.Await):
            return self.returns_instance(node.expression)
        if not isinstance(node, cst.Call):
            return False
        if self.is_class(node.func):
            return True
        if not isinstance(node.func, cst.Attribute):
            return False
        method = node.func.attr.value
        receiver = node.func.value
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        if method in ("get", "get_one") and positional and self.is_class(positional[0]):
            return len(positional) >= 2 or any(a.keyword is not None for a in node.args)
        if method in _ONE_ROW and not node.args:
            return self.is_query(receiver) or self.is_scalars(receiver)
        if method == "get" and len(positional) == 1:
            return self.is_query(receiver)
        if method in ("scalar", "scalar_one", "scalar_one_or_none") and len(positional) == 1:
            return self.is_select(positional[0])
        return False

    def yields_instances(self, node: cst.BaseExpression) -> bool:
        """True when iterating ``node`` gives instances of the class."""
        if isinstance(node, cst.Await):
            return self.yields_instances(node.expression)
        if isinstance(node, cst.Name):
            values = self.assigned_values(node)
            return bool(values) and all(self.yields_instances(v) for v in values)
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "all"
            and not node.args
        ):
            return self.is_query(node.func.value) or self.is_scalars(node.func.value)
        return self.is_query(node) or self.is_scalars(node)

    def is_query(self, node: cst.BaseExpression) -> bool:
        """``session.query(Class)`` with any of the chain methods after it."""
        if isinstance(node, cst.Await):
            return False
        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
            return False
        method = node.func.attr.value
        if method == "query":
            return len(node.args) == 1 and self.is_class(node.args[0].value)
        return method in _CHAIN_METHODS and self.is_query(node.func.value)

    def is_select(self, node: cst.BaseExpression) -> bool:
        """``select(Class)`` with any of the chain methods after it."""
        if not isinstance(node, cst.Call):
            return False
        if dotted_name(node.func) in _SELECT_FUNCTIONS:
            return len(node.args) == 1 and self.is_class(node.args[0].value)
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in _CHAIN_METHODS:
            return self.is_select(node.func.value)
        return False

    def is_scalars(self, node: cst.BaseExpression) -> bool:
        """``session.scalars(select(Class))`` or ``(await session.execute(select(Class))).scalars()``."""
        if isinstance(node, cst.Await):
            return self.is_scalars(node.expression)
        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
            return False
        method = node.func.attr.value
        if method == "scalars" and len(node.args) == 1:
            return self.is_select(node.args[0].value)
        if method == "scalars" and not node.args:
            return self.is_execute(node.func.value)
        return method == "unique" and self.is_scalars(node.func.value)

    def is_execute(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Await):
            return self.is_execute(node.expression)
        return (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "execute"
            and len(node.args) >= 1
            and self.is_select(node.args[0].value)
        )

    def assigned_values(self, name: cst.Name) -> list[cst.BaseExpression]:
        """The values every binding of ``name`` (as read here) assigns; [] if one is not ``x = v``."""
        accesses = getattr(self.scopes.get(name), "accesses", None)
        values: list[cst.BaseExpression] = []
        for access in accesses[name] if accesses is not None else ():
            for referent in access.referents:
                target = getattr(referent, "node", None)
                parent = self.parents.get(target) if isinstance(target, cst.Name) else None
                statement = self.parents.get(parent) if parent is not None else None
                if not (isinstance(parent, cst.AssignTarget) and isinstance(statement, cst.Assign)):
                    return []
                values.append(statement.value)
        return values

    def annotation_is_class(self, annotation: cst.BaseExpression) -> bool:
        if self.is_class(annotation):
            return True
        if isinstance(annotation, cst.SimpleString):
            value = annotation.evaluated_value
            if not isinstance(value, str):
                return False
            try:
                parsed = cst.parse_expression(value.strip())
            except cst.ParserSyntaxError:
                return False
            return not isinstance(parsed, cst.SimpleString) and self.annotation_is_class(parsed)
        if isinstance(annotation, cst.BinaryOperation) and isinstance(
            annotation.operator, cst.BitOr
        ):
            sides = [annotation.left, annotation.right]
            return any(self.annotation_is_class(s) for s in sides) and all(
                self.annotation_is_class(s) or _is_none(s) for s in sides
            )
        if isinstance(annotation, cst.Subscript) and (dotted_name(annotation.value) or "").endswith(
            "Optional"
        ):
            elements = annotation.slice
            return (
                len(elements) == 1
                and isinstance(elements[0].slice, cst.Index)
                and self.annotation_is_class(elements[0].slice.value)
            )
        return False

    def binding_kind(self, assignment: object) -> str:
        """ "instance", "other" (certainly not an instance), or "unknown"."""
        if not isinstance(assignment, Assignment):
            return "other"  # a builtin
        node = assignment.node
        if isinstance(node, cst.Param):
            if node.annotation is not None and self.annotation_is_class(node.annotation.annotation):
                return "instance"
            if node.name.value in ("self", "cls") and node.annotation is None:
                # ``self`` of another class (the class's own ``self`` was handled before).
                return "other" if self.is_method_param(node) else "unknown"
            return "unknown" if node.annotation is None else "other"
        if isinstance(node, (cst.Import, cst.ImportFrom, cst.ClassDef, cst.FunctionDef)):
            return "other"
        if not isinstance(node, cst.Name):
            return "unknown"
        parent = self.parents.get(node)
        if isinstance(parent, cst.AssignTarget):
            statement = self.parents.get(parent)
            if isinstance(statement, cst.Assign):
                return "instance" if self.returns_instance(statement.value) else "unknown"
        if isinstance(parent, cst.AnnAssign) and parent.target is node:
            if self.annotation_is_class(parent.annotation.annotation):
                return "instance"
            if parent.value is not None and self.returns_instance(parent.value):
                return "instance"
            return "unknown"
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.target is node:
            return "instance" if self.yields_instances(parent.iter) else "unknown"
        return "unknown"

    def is_method_param(self, param: cst.Param) -> bool:
        node: cst.CSTNode | None = param
        while node is not None and not isinstance(node, cst.FunctionDef):
            node = self.parents.get(node)
        block = self.parents.get(node) if node is not None else None
        return isinstance(self.parents.get(block) if block is not None else None, cst.ClassDef)

    def is_own_first_param(self, name: cst.Name) -> bool:
        """``self``/``cls`` of a method of the class itself or of a subclass of it."""
        if name.value not in ("self", "cls"):
            return False
        node: cst.CSTNode | None = name
        while node is not None and not isinstance(node, cst.FunctionDef):
            node = self.parents.get(node)
        if node is None:
            return False
        params = node.params.params
        if not params or params[0].name.value != name.value:
            return False
        block = self.parents.get(node)
        owner = self.parents.get(block) if block is not None else None
        if not isinstance(owner, cst.ClassDef):
            return False
        return owner.name.value == self.refs.defined_here or any(
            self.is_class(base.value) for base in owner.bases
        )

    # ------------------------------------------------------------ visits

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value != self.attribute:
            return
        receiver = node.value
        shown = f"`{cst.Module([]).code_for_node(node)}`"
        if self.is_class(receiver):
            self.class_level(node, shown)
            return
        if isinstance(receiver, cst.Name):
            if self.is_own_first_param(receiver):
                if receiver.value == "cls":
                    self.class_level(node, shown)
                else:
                    self.rename(node)
                return
            scope = self.scopes.get(receiver)
            accesses = getattr(scope, "accesses", None)
            kinds: set[str] = set()
            if accesses is not None:
                for access in accesses[receiver]:
                    kinds.update(self.binding_kind(r) for r in access.referents)
            if kinds == {"instance"}:
                self.rename(node)
            elif kinds == {"other"}:
                return
            else:
                self.unsure(
                    node, f"{shown}: cannot tell whether `{receiver.value}` is a {self.class_name}"
                )
            return
        if self.returns_instance(receiver):
            self.rename(node)
            return
        self.unsure(node, f"{shown}: cannot tell whether the object is a {self.class_name}")

    def class_level(self, node: cst.Attribute, shown: str) -> None:
        parent = self.parents.get(node)
        if isinstance(parent, cst.Attribute) and parent.value is node:
            if parent.attr.value in self.class_api:
                return  # Class.metadata.create_all(): the MetaData, not the column
            if parent.attr.value in _COLUMN_API:
                self.rename(node)
                return
        if isinstance(parent, cst.Subscript) and parent.value is node:
            self.rename(node)
            return
        if isinstance(parent, (cst.Comparison, cst.ComparisonTarget)):
            self.rename(node)
            return
        if isinstance(parent, cst.Arg) and parent.keyword is None:
            call = self.parents.get(parent)
            if isinstance(call, cst.Call):
                called = dotted_name(call.func) or ""
                last = (
                    call.func.attr.value
                    if isinstance(call.func, cst.Attribute)
                    else called.rpartition(".")[2]
                )
                if last in _COLUMN_CONSUMERS or called.startswith(("func.", "sa.func.")):
                    self.rename(node)
                    return
        self.unsure(
            node,
            f"{shown}: on the class this may mean the column or the declarative base's "
            f"{self.attribute} object",
        )

    def visit_Call(self, node: cst.Call) -> None:
        constructs = self.is_class(node.func)
        filters = (
            isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "filter_by"
            and (self.is_query(node.func.value) or self.is_select(node.func.value))
        )
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == self.attribute:
                if constructs or filters:
                    self.rename(arg)
                elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "filter_by":
                    self.unsure(
                        arg,
                        f"`filter_by({self.attribute}=...)`: cannot tell whether it queries "
                        f"{self.class_name}",
                    )
            elif constructs and arg.star == "**":
                self.unsure(
                    arg,
                    f"`{self.class_name}(**...)`: the unpacked mapping may hold a "
                    f"`{self.attribute}` key, which would no longer set the column",
                )
        called = dotted_name(node.func)
        if called in ("getattr", "setattr", "hasattr") and len(node.args) >= 2:
            name = node.args[1].value
            if isinstance(name, cst.SimpleString) and name.evaluated_value == self.attribute:
                self.unsure(node, f"`{called}(..., {name.value})` reads the attribute by name")


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"

"""The uses reserved-attributes follows: which reads of ``metadata`` are one model's.

``fixup.codemods.instance_attribute_uses`` proves the common forms (annotations, ``Model(...)``,
``session.get``, ``query(...).first()``, loops over ``scalars(select(...))``). This finder adds
what route handlers and services write around a reserved column, and sorts what it cannot
prove by how likely it is to be the model's:

- queries and results kept in variables (``stmt = select(Doc)``, ``q = db.query(Doc)``,
  ``result = await session.execute(stmt)``, ``rows = result.scalars().all()``), ``rows[0]``,
  ``list(rows)``, ``execute(...).scalar_one()``, Flask-SQLAlchemy's ``Doc.query...`` and
  ``get_or_404``/``first_or_404``; parameters annotated ``list[Doc]`` (their loops); calls of
  functions annotated ``-> Doc``;
- reads of the base's ``MetaData`` (``x.metadata.create_all()``, ``.tables``...), objects made
  by a third-party class or ``declarative_base()``, and attributes of imported modules or
  classes (``models.Base.metadata``, ``db.Model.metadata``) are not uses;
- a use on the class or an object that is sometimes the class is *certain*: it is the model's,
  and the fixer cannot rename it (``Doc(**data)``, ``getattr(doc, "metadata")``, a class-level
  use whose meaning the context does not show);
- a use on an object nothing here types (an unannotated parameter, ``self.doc``) is *possible*:
  the fixer decides with what else in the project has the attribute.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import (
    Assignment,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    ScopeProvider,
)

from fixup.codemods.instance_attribute_uses import AttributeUses, ClassRefs, UseFinder
from fixup.codemods.nodes import code, dotted_name

#: ``Result.scalar_one()`` and friends: one instance from ``session.execute(select(Model))``.
_SCALAR_OF_RESULT = frozenset({"scalar", "scalar_one", "scalar_one_or_none"})
#: Builtins that keep the items of what they are given.
_SAME_ITEMS = frozenset({"list", "tuple", "set", "sorted", "reversed", "iter"})
#: Annotations of a collection of instances: ``list[Doc]``, ``Sequence[Doc]``...
_COLLECTIONS = frozenset(
    {
        "list",
        "List",
        "set",
        "Set",
        "frozenset",
        "FrozenSet",
        "tuple",
        "Tuple",
        "Sequence",
        "Iterable",
        "Iterator",
        "Collection",
        "AsyncIterator",
        "AsyncIterable",
    }
)
#: Pydantic's class methods that return an instance of the class they are called on.
_VALIDATORS = frozenset(
    {
        "model_validate",
        "model_validate_json",
        "model_construct",
        "from_orm",
        "parse_obj",
        "construct",
    }
)
#: Calls that make a declarative base or a ``MetaData``: their ``metadata`` is never a column.
_NOT_MODELS = frozenset(
    {"declarative_base", "as_declarative", "generate_base", "MetaData", "registry"}
)


@dataclass
class ReservedUses:
    """One module's uses of the attribute: renamed, certain (the class's, left alone) and
    possible (an object of unknown type), each of the last two as (line, description)."""

    renames: dict[int, str] = field(default_factory=dict)
    certain: list[tuple[int | None, str]] = field(default_factory=list)
    possible: list[tuple[int | None, str]] = field(default_factory=list)


def find_reserved_uses(
    module: cst.Module,
    refs: ClassRefs,
    attribute: str,
    new: str,
    class_api: Collection[str],
    *,
    class_name: str,
    returning: Collection[str] = (),
    third_party: Callable[[str], bool] = lambda name: False,
) -> ReservedUses:
    """The uses of ``attribute`` in ``module`` (see the module docstring).

    ``returning``: names this module imports of functions that return an instance
    (``-> Doc``); ``third_party(name)``: is this local name imported from outside the project.
    """
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    finder = _Finder(refs, attribute, new, frozenset(class_api), class_name, returning, third_party)
    finder.parents = wrapper.resolve(ParentNodeProvider)
    finder.positions = wrapper.resolve(PositionProvider)
    finder.scopes = wrapper.resolve(ScopeProvider)
    module.visit(finder)
    return finder.found


def returning_functions(module: cst.Module, refs: ClassRefs) -> set[str]:
    """Top-level functions of ``module`` annotated to return an instance (``-> Doc | None``)."""
    finder = _Finder(refs, "", "", frozenset(), "", (), lambda name: False)
    return {
        statement.name.value
        for statement in module.body
        if isinstance(statement, cst.FunctionDef)
        and statement.returns is not None
        and finder.annotation_is_class(statement.returns.annotation)
    }


class _Finder(UseFinder):
    def __init__(
        self,
        refs: ClassRefs,
        attribute: str,
        new: str,
        class_api: frozenset[str],
        class_name: str,
        returning: Collection[str],
        third_party: Callable[[str], bool],
    ) -> None:
        super().__init__(refs, attribute, new, class_api, AttributeUses())
        self.class_name = class_name
        self.a_class = f"{'an' if class_name[:1].lower() in 'aeiou' else 'a'} {class_name}"
        self.found = ReservedUses(renames=self.result.renames)
        self.returning = frozenset(returning)
        self.third_party = third_party
        #: Values being resolved through variables (``q = q.filter(...)`` refers to itself).
        self._resolving: set[int] = set()
        #: (check, values) -> verdict: a variable assigned many times is judged once.
        self._through: dict[tuple[str, tuple[int, ...]], bool] = {}

    # ------------------------------------------------------------ reporting

    def unsure(self, node: cst.CSTNode, what: str) -> None:
        """What the base finder cannot decide is always on the class itself: certain."""
        self.found.certain.append((self.line(node), what))

    def possible(self, node: cst.CSTNode, what: str) -> None:
        self.found.possible.append((self.line(node), what))

    # ------------------------------------------------------------ through variables

    def through(self, node: cst.Name, check: Callable[[cst.BaseExpression], bool]) -> bool:
        """Every value assigned to ``node`` passes ``check`` (a value that refers back to
        itself, ``q = q.filter(...)``, is judged by the others)."""
        values = self.assigned_values(node)
        if not values:
            return False
        key = (getattr(check, "__name__", ""), tuple(id(v) for v in values))
        if key in self._through:
            return self._through[key]
        judged = False
        for value in values:
            if id(value) in self._resolving:
                continue
            self._resolving.add(id(value))
            try:
                if not check(value):
                    break
                judged = True
            finally:
                self._resolving.discard(id(value))
        else:
            self._through[key] = judged
            return judged
        self._through[key] = False
        return False

    def is_query(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return self.through(node, self.is_query)
        if isinstance(node, cst.Attribute) and node.attr.value == "query":
            return self.is_class(node.value)  # Flask-SQLAlchemy's Model.query
        return super().is_query(node)

    def is_select(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return self.through(node, self.is_select)
        return super().is_select(node)

    def is_scalars(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return self.through(node, self.is_scalars)
        return super().is_scalars(node)

    def is_execute(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return self.through(node, self.is_execute)
        return super().is_execute(node)

    # ------------------------------------------------------------ instances and collections

    def returns_instance(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return self.through(node, self.returns_instance)
        if isinstance(node, cst.Subscript):  # rows[0]
            single = len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index)
            return single and self.yields_instances(node.value)
        if super().returns_instance(node):
            return True
        if isinstance(node, cst.Await):
            return self.returns_instance(node.expression)
        if not isinstance(node, cst.Call):
            return False
        if isinstance(node.func, cst.Name):
            return self.calls_returning(node.func)
        if not isinstance(node.func, cst.Attribute):
            return False
        method, receiver = node.func.attr.value, node.func.value
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        if method in _SCALAR_OF_RESULT and not node.args:
            return self.is_execute(receiver)
        if method in ("first_or_404", "one_or_404") and not positional:
            return self.is_query(receiver) or self.is_scalars(receiver)
        if method == "get_or_404" and positional:
            return (len(positional) >= 2 and self.is_class(positional[0])) or (
                len(positional) == 1 and self.is_query(receiver)
            )
        return False

    def calls_returning(self, name: cst.Name) -> bool:
        """``name`` is a function annotated ``-> Class`` (defined here, or imported)."""
        if name.value in self.returning:
            return True
        accesses = getattr(self.scopes.get(name), "accesses", None)
        found = False
        for access in accesses[name] if accesses is not None else ():
            for referent in access.referents:
                node = getattr(referent, "node", None)
                if not (
                    isinstance(node, cst.FunctionDef)
                    and node.returns is not None
                    and self.annotation_is_class(node.returns.annotation)
                ):
                    return False
                found = True
        return found

    def yields_instances(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            if self.through(node, self.yields_instances):
                return True
            kinds = self.referent_nodes(node)
            return bool(kinds) and all(
                isinstance(n, cst.Param)
                and n.annotation is not None
                and self.collection_of_class(n.annotation.annotation)
                for n in kinds
            )
        if (
            isinstance(node, cst.Call)
            and dotted_name(node.func) in _SAME_ITEMS
            and len(node.args) == 1
            and not node.args[0].star
        ):
            return self.yields_instances(node.args[0].value)
        return super().yields_instances(node)

    def referents(self, name: cst.Name) -> list[object]:
        """The assignments ``name`` reads (for the root of ``pkg.mod.X`` after ``import
        pkg.mod``, which libcst records on the dotted name: the scope's bindings of it)."""
        scope = self.scopes.get(name)
        accesses = getattr(scope, "accesses", None)
        found = [
            referent
            for access in (accesses[name] if accesses is not None else ())
            for referent in access.referents
        ]
        if not found and scope is not None:
            found = list(scope[name.value])  # type: ignore[index]
        return found

    def referent_nodes(self, name: cst.Name) -> list[cst.CSTNode | None]:
        return [getattr(referent, "node", None) for referent in self.referents(name)]

    def collection_of_class(self, annotation: cst.BaseExpression) -> bool:
        """``list[Doc]``, ``Sequence["Doc"]``, ``tuple[Doc, ...]``."""
        if not isinstance(annotation, cst.Subscript):
            return False
        if (dotted_name(annotation.value) or "").rpartition(".")[2] not in _COLLECTIONS:
            return False
        elements = [
            e.slice.value
            for e in annotation.slice
            if isinstance(e.slice, cst.Index) and not (isinstance(e.slice.value, cst.Ellipsis))
        ]
        return len(elements) == 1 and self.annotation_is_class(elements[0])

    def binding_kind(self, assignment: object) -> str:
        kind = super().binding_kind(assignment)
        if kind != "unknown" or not isinstance(assignment, Assignment):
            return kind
        node = assignment.node
        if isinstance(node, cst.Param):
            annotation = node.annotation
            if annotation is not None and self.collection_of_class(annotation.annotation):
                return "other"
            return kind
        parent = self.parents.get(node) if isinstance(node, cst.Name) else None
        statement = self.parents.get(parent) if isinstance(parent, cst.AssignTarget) else parent
        value = getattr(statement, "value", None)
        if isinstance(value, cst.Call) and self.makes_something_else(value.func):
            return "other"
        return kind

    def makes_something_else(self, func: cst.BaseExpression) -> bool:
        """A call that never returns the model: ``declarative_base()``, ``MetaData()``, or a
        class imported from outside the project (``SQLAlchemy()``, ``JSONResponse(...)``)."""
        called = dotted_name(func) or ""
        last = called.rpartition(".")[2]
        if last in _NOT_MODELS:
            return True
        root = called.partition(".")[0]
        return bool(root) and last[:1].isupper() and self.third_party(root)

    def rooted_elsewhere(self, node: cst.BaseExpression) -> bool:
        """``models.Base``, ``db.Model``: an attribute of something the module imports or
        makes (a module, a class, a third-party object), which is not the class."""
        name = dotted_name(node)
        if name is None or isinstance(node, cst.Name):
            return False
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name) or root.value in ("self", "cls"):
            return False
        kinds = {self.binding_kind(referent) for referent in self.referents(root)}
        if kinds != {"other"}:
            return False
        # Imported names and classes: bound by an import or a class statement.
        return all(
            isinstance(n, (cst.Import, cst.ImportFrom, cst.ClassDef)) or self.is_made_elsewhere(n)
            for n in self.referent_nodes(root)
        )

    def is_made_elsewhere(self, node: cst.CSTNode | None) -> bool:
        parent = self.parents.get(node) if isinstance(node, cst.Name) else None
        statement = self.parents.get(parent) if isinstance(parent, cst.AssignTarget) else parent
        value = getattr(statement, "value", None)
        return isinstance(value, cst.Call) and self.makes_something_else(value.func)

    # ------------------------------------------------------------ visits

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value != self.attribute:
            return
        receiver = node.value
        shown = f"`{code(node)}`"
        if self.is_class(receiver):
            self.class_level(node, shown)
            return
        if isinstance(receiver, cst.Name) and self.is_own_first_param(receiver):
            if receiver.value == "cls":
                self.class_level(node, shown)
            else:
                self.rename(node)
            return
        kind = self.receiver_kind(receiver)
        if kind == "instance":
            self.rename(node)
        elif kind == "sometimes":
            self.unsure(node, f"{shown}: `{code(receiver)}` is {self.a_class} on some paths")
        elif kind == "unknown" and not self.means_the_metadata_api(node):
            self.possible(node, f"{shown}: cannot tell what `{code(receiver)}` is")

    def receiver_kind(self, receiver: cst.BaseExpression) -> str:
        """ "instance", "sometimes" (some bindings are), "other" or "unknown"."""
        if isinstance(receiver, cst.Name):
            accesses = getattr(self.scopes.get(receiver), "accesses", None)
            kinds: set[str] = set()
            for access in accesses[receiver] if accesses is not None else ():
                kinds.update(self.binding_kind(r) for r in access.referents)
            if kinds == {"instance"}:
                return "instance"
            if "instance" in kinds:
                return "sometimes"
            return "other" if kinds == {"other"} else "unknown"
        if self.returns_instance(receiver):
            return "instance"
        if self.rooted_elsewhere(receiver) or self.validates_elsewhere(receiver):
            return "other"
        return "unknown"

    def validates_elsewhere(self, node: cst.BaseExpression) -> bool:
        """``Schema.model_validate(obj)``: an instance of that (imported) class."""
        return (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in _VALIDATORS
            and not self.is_class(node.func.value)
            and (
                self.rooted_elsewhere(node.func.value)
                or self.receiver_kind(node.func.value) == "other"
            )
        )

    def means_the_metadata_api(self, node: cst.Attribute) -> bool:
        """``x.metadata.create_all()``, ``x.metadata.tables``: the base's object, not a column."""
        parent = self.parents.get(node)
        return (
            isinstance(parent, cst.Attribute)
            and parent.value is node
            and parent.attr.value in self.class_api
        )

    def visit_Call(self, node: cst.Call) -> None:
        constructs = self.is_class(node.func)
        filter_by = isinstance(node.func, cst.Attribute) and node.func.attr.value == "filter_by"
        filters = (
            filter_by
            and isinstance(node.func, cst.Attribute)
            and (self.is_query(node.func.value) or self.is_select(node.func.value))
        )
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == self.attribute:
                if constructs or filters:
                    self.rename(arg)
                elif filter_by:
                    self.possible(
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
            if not (isinstance(name, cst.SimpleString) and name.evaluated_value == self.attribute):
                return
            shown = f"`{called}(..., {name.value})` reads the attribute by name"
            receiver = node.args[0].value
            kind = "class" if self.is_class(receiver) else self.receiver_kind(receiver)
            if kind in ("class", "instance", "sometimes"):
                self.unsure(node, shown)
            elif kind == "unknown":
                self.possible(node, shown)


def import_from_pydantic(module: cst.Module, names: Collection[str]) -> cst.Module:
    """``module`` with ``names`` imported from pydantic: added to the first top-level ``from
    pydantic import ...`` (in order when its names are sorted, else at its end), else by
    libcst's AddImportsVisitor on a line of their own."""
    body = list(module.body)
    for index, statement in enumerate(body):
        small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
        if not (
            isinstance(small, cst.ImportFrom)
            and not small.relative
            and dotted_name(small.module) == "pydantic"
            and not isinstance(small.names, cst.ImportStar)
            and isinstance(statement, cst.SimpleStatementLine)
        ):
            continue
        aliases = list(small.names)
        written = [dotted_name(a.name) or "" for a in aliases]
        in_order = written == sorted(written)
        for name in sorted(set(names) - set(written)):
            position = sum(1 for a in aliases if (dotted_name(a.name) or "") < name)
            position = position if in_order else len(aliases)
            last_comma = aliases[-1].comma
            spaced = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            new = cst.ImportAlias(cst.Name(name))
            if position == len(aliases):
                aliases[-1] = aliases[-1].with_changes(comma=spaced)
                aliases.append(new.with_changes(comma=last_comma))
            else:
                aliases.insert(position, new.with_changes(comma=spaced))
        body[index] = statement.with_changes(body=[small.with_changes(names=aliases)])
        return module.with_changes(body=body)
    context = CodemodContext()
    for name in sorted(names):
        AddImportsVisitor.add_needed_import(context, "pydantic", name)
    return AddImportsVisitor(context).transform_module(module)

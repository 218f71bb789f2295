"""Find where a module is imported, which of its names each importer uses, and rewrite
``from <module> import a, b`` to import each name from the submodule that now defines it.

Reading: ``importer_uses`` reports, for one importing file, the names it takes with
``from m import ...`` (private ones included), the names it reads as ``m.X`` after
``import m``, and, after ``from m import *``, the names it uses without binding them itself.

Editing: ``redirect_from_imports`` splits a ``from m import a, b`` statement into one statement
per new home; the first keeps the comments above the original, names that stay in ``m`` stay.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider

from fixup.codemods.nodes import dotted_name
from fixup.index import absolute_module

_BUILTINS = frozenset(dir(builtins)) | {
    "__name__",
    "__file__",
    "__doc__",
    "__package__",
    "__spec__",
}

#: Turns a ``from`` import's module part into the absolute module it names (None: unknown).
ModuleResolver = Callable[[cst.ImportFrom], "str | None"]


@dataclass
class ImporterUses:
    """What one file takes from the module."""

    #: Names taken with ``from module import name`` (``as`` names are not counted: the source name is).
    imported: set[str] = field(default_factory=set)
    #: Names read as ``module.name`` (``import module``, ``from package import module``).
    attributes: set[str] = field(default_factory=set)
    #: True for ``from module import *``; then ``free`` holds the names the file uses unbound.
    star: bool = False
    free: set[str] = field(default_factory=set)

    @property
    def names(self) -> set[str]:
        return self.imported | self.attributes | self.free


def resolve_from(node: cst.ImportFrom, package: str | None) -> str | None:
    """The absolute module a ``from`` import names; ``package`` is the file's ``__package__``."""
    return absolute_module(package, len(node.relative), dotted_name(node.module) or None)


def importer_uses(tree: cst.Module, module: str, package: str | None) -> ImporterUses | None:
    """What the file ``tree`` (with ``__package__`` ``package``) uses of ``module``, or None."""
    uses = ImporterUses()
    bindings: set[str] = set()  # local spellings of the module itself: "models", "app.models", "m"
    parent, _, leaf = module.rpartition(".")
    found = False
    for node in _walk(tree):
        if isinstance(node, cst.ImportFrom):
            source = resolve_from(node, package)
            if source == module:
                found = True
                if isinstance(node.names, cst.ImportStar):
                    uses.star = True
                else:
                    uses.imported.update(dotted_name(a.name) or "" for a in node.names)
            elif parent and source == parent and not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    if dotted_name(alias.name) == leaf:
                        found = True
                        bindings.add(_as_name(alias) or leaf)
        elif isinstance(node, cst.Import):
            for alias in node.names:
                name = dotted_name(alias.name)
                if name == module:
                    found = True
                    bindings.add(_as_name(alias) or module)
                elif name is not None and module.startswith(name + ".") and alias.asname is None:
                    found = True  # "import app" then "app.models.X" (when app/models was imported elsewhere)
                    bindings.add(module)
    if not found:
        return None
    if bindings:
        for node in _walk(tree):
            if isinstance(node, cst.Attribute):
                head = dotted_name(node.value)
                if head in bindings:
                    uses.attributes.add(node.attr.value)
    if uses.star:
        uses.free = _free_names(tree)
    uses.imported.discard("")
    return uses


def _as_name(alias: cst.ImportAlias) -> str | None:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return None


def _walk(node: cst.CSTNode) -> list[cst.CSTNode]:
    out = []
    stack = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(current.children)
    return out


def _free_names(tree: cst.Module) -> set[str]:
    """Names the module reads that nothing in it binds (what a star import must provide)."""
    scopes = MetadataWrapper(tree).resolve(ScopeProvider)
    free: set[str] = set()
    seen: set[int] = set()
    for scope in scopes.values():
        if scope is None or id(scope) in seen:
            continue
        seen.add(id(scope))
        for access in scope.accesses:
            if (
                not access.referents
                and isinstance(access.node, cst.Name)
                and access.node.value not in _BUILTINS
            ):
                free.add(access.node.value)
    return free


class _Redirect(cst.CSTTransformer):
    def __init__(self, module: str, package: str | None, homes: Mapping[str, str]) -> None:
        super().__init__()
        self.module = module
        self.package = package
        self.homes = homes
        self.changed = 0
        self.skipped: list[str] = []

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if len(updated_node.body) != 1:
            if any(self._targets(s) for s in updated_node.body):
                self.skipped.append("an import of it shares its line with other statements")
            return updated_node
        node = updated_node.body[0]
        if not self._targets(node):
            return updated_node
        assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
        groups: dict[str, list[cst.ImportAlias]] = {}
        for alias in node.names:
            home = self.homes.get(dotted_name(alias.name) or "")
            groups.setdefault(home or self.module, []).append(alias)
        if set(groups) == {self.module}:
            return updated_node
        if len(groups) == 1:
            # One new home: only the module part changes; names, parentheses and comments stay.
            (target,) = groups
            self.changed += 1
            return updated_node.with_changes(
                body=[node.with_changes(relative=(), module=cst.parse_expression(target))]
            )
        if "#" in cst.Module(body=[]).code_for_node(node):
            self.skipped.append("an import of it carries comments between its names")
            return updated_node
        lines: list[cst.BaseStatement] = []
        for target in sorted(groups, key=lambda t: (t == self.module, t)):
            aliases = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in groups[target]]
            aliases = [
                a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                for a in aliases[:-1]
            ] + aliases[-1:]
            new = node.with_changes(
                relative=(),
                module=cst.parse_expression(target),
                names=aliases,
                lpar=None,
                rpar=None,
            )
            line = updated_node.with_changes(body=[new])
            if lines:  # the comments above and after the statement stay with its first line
                line = line.with_changes(
                    leading_lines=[], trailing_whitespace=cst.TrailingWhitespace()
                )
            lines.append(line)
        self.changed += 1
        return cst.FlattenSentinel(lines)

    def _targets(self, node: cst.BaseSmallStatement) -> bool:
        return (
            isinstance(node, cst.ImportFrom)
            and not isinstance(node.names, cst.ImportStar)
            and resolve_from(node, self.package) == self.module
        )


def redirect_from_imports(
    tree: cst.Module, module: str, package: str | None, homes: Mapping[str, str]
) -> tuple[cst.Module, int, list[str]]:
    """``from module import a, b`` -> one import per new home (``homes``: name -> absolute module).

    Returns the new tree, how many statements changed, and why any were left alone.
    """
    transformer = _Redirect(module, package, homes)
    new = tree.visit(transformer)
    return new, transformer.changed, transformer.skipped

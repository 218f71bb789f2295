"""Rewrite every reference to one module so that it names another (a module moved or merged).

Handles, in one file at a time:

- ``from pkg.models.action import Action`` (and relative forms such as ``from .action import
  Action`` or ``from ..models.action import Action``), ``from pkg.models.action import *``;
- ``from pkg.models import action`` then ``action.Action``: the import names the new module and
  its uses are renamed, unless that would collide with another binding, in which case the
  import keeps the old local name (``from pkg.models import actions as action``);
- ``import pkg.models.action as a`` and ``import pkg.models.action`` with the dotted uses;
- string references: ``relationship("pkg.models.action.Action")``,
  ``mock.patch("pkg.models.action.Action")``, ``importlib.import_module("pkg.models.action")``.

Some names may go to a third module (``ModuleMove.elsewhere``): a ``from`` import is then split
into one statement per target module. An import that becomes an exact repeat of an earlier
top-level import (the package ``__init__`` that imported both copies) is dropped.

A form this module cannot rewrite safely raises ``RewriteError``; the caller reports it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, ScopeProvider

from fixup.codemods.nodes import code, dotted_name
from fixup.index import absolute_module


class RewriteError(Exception):
    """A reference that cannot be rewritten safely; the message says which and why."""


@dataclass(frozen=True)
class ModuleMove:
    """``old`` is going away: its names now live in ``new``, or in ``elsewhere[name]``."""

    old: str
    new: str
    elsewhere: Mapping[str, str] = field(default_factory=dict)
    #: Names ``new`` defines under another name (a class renamed with its module): old -> new.
    #: ``from old import A`` becomes ``from new import B as A``; attribute uses are refused.
    renamed: Mapping[str, str] = field(default_factory=dict)

    def target(self, name: str) -> str:
        return self.elsewhere.get(name, self.new)


def mentions(text: str, move: ModuleMove) -> bool:
    """The cheap prefilter: could ``text`` refer to ``move.old`` at all?"""
    return move.old.rpartition(".")[2] in text


def rewrite_references(module: cst.Module, package: str | None, move: ModuleMove) -> cst.Module:
    """``module`` with every reference to ``move.old`` rewritten; raises RewriteError."""
    wrapper = MetadataWrapper(module)
    renames = _plan_renames(wrapper, package, move)
    return wrapper.visit(_Rewriter(package, move, renames))


@dataclass
class _Renames:
    #: Name nodes (the uses of ``from pkg import action``) to rename to the new module's name.
    names: dict[cst.Name, str] = field(default_factory=dict)
    #: Import aliases whose local name must stay (``actions as action``): a rename would collide.
    keep_local: set[cst.ImportAlias] = field(default_factory=set)


def _plan_renames(wrapper: MetadataWrapper, package: str | None, move: ModuleMove) -> _Renames:
    """For ``from pkg.models import action``: which uses of ``action`` to rename, or keep it."""
    renames = _Renames()
    old_parent, _, old_last = move.old.rpartition(".")
    new_parent, _, new_last = move.new.rpartition(".")
    scopes = wrapper.resolve(ScopeProvider)
    parents = wrapper.resolve(ParentNodeProvider)
    for node in _walk(wrapper.module):
        if isinstance(node, cst.Import):
            _check_module_alias(node, move, scopes, parents)
        if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
            continue
        source = absolute_module(
            package, len(node.relative), code(node.module) if node.module else None
        )
        if source != old_parent:
            continue
        for alias in node.names:
            if code(alias.name) != old_last:
                continue
            if new_parent != old_parent:
                raise RewriteError(
                    f"`{_one_line(node)}` imports {move.old} from its package, and {move.new} lives in another package"
                )
            if alias.asname is not None:
                continue  # "from pkg import action as a": only the imported name changes
            scope = scopes.get(alias)
            if scope is None:
                continue
            assignments = [a for a in scope[old_last] if getattr(a, "node", None) is node]
            references = [ref for a in assignments for ref in a.references]
            uses: dict[cst.Name, str] = {}
            collision = False
            for ref in references:
                use = ref.node
                if not isinstance(use, cst.Name):
                    collision = True
                    continue
                parent = parents.get(use)
                if isinstance(parent, cst.Attribute) and parent.value is use:
                    _refuse_renamed(move, f"{old_last}.{parent.attr.value}")
                if (
                    isinstance(parent, cst.Attribute)
                    and parent.value is use
                    and move.target(parent.attr.value) != move.new
                ):
                    raise RewriteError(
                        f"`{old_last}.{parent.attr.value}` now lives in {move.target(parent.attr.value)}, not {move.new}"
                    )
                use_scope = scopes.get(use)
                if use_scope is not None and new_last in use_scope:
                    collision = True
                uses[use] = new_last
            if new_last in scope or collision:
                renames.keep_local.add(alias)
            else:
                renames.names.update(uses)
    return renames


def _check_module_alias(
    node: cst.Import,
    move: ModuleMove,
    scopes: Mapping[cst.CSTNode, object],
    parents: Mapping[cst.CSTNode, cst.CSTNode],
) -> None:
    """``import pkg.models.action as a`` is fine unless ``a.X`` names something now elsewhere."""
    for alias in node.names:
        if (
            alias.asname is None
            or code(alias.name) != move.old
            or not (move.elsewhere or move.renamed)
        ):
            continue
        local = code(alias.asname.name)
        scope = scopes.get(alias)
        if scope is None:
            continue
        for assignment in scope[local]:  # type: ignore[index]
            if getattr(assignment, "node", None) is not node:
                continue
            for ref in assignment.references:
                parent = parents.get(ref.node)
                if isinstance(parent, cst.Attribute):
                    _refuse_renamed(move, f"{local}.{parent.attr.value}")
                if isinstance(parent, cst.Attribute) and parent.attr.value in move.elsewhere:
                    raise RewriteError(
                        f"`{local}.{parent.attr.value}` now lives in {move.elsewhere[parent.attr.value]}"
                    )


def _walk(node: cst.CSTNode) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []
    stack = [node]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(current.children)
    return found


class _Rewriter(cst.CSTTransformer):
    def __init__(self, package: str | None, move: ModuleMove, renames: _Renames) -> None:
        super().__init__()
        self._package = package
        self._move = move
        self._renames = renames
        self._in_import = 0
        self._from_old_parent = False
        #: Import lines this rewriter produced: only these may be dropped as repeats.
        self._rewritten: set[int] = set()

    # ------------------------------------------------------------ imports

    def visit_Import(self, node: cst.Import) -> None:
        self._in_import += 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._in_import += 1
        source = absolute_module(
            self._package, len(node.relative), code(node.module) if node.module else None
        )
        self._from_old_parent = source == self._move.old.rpartition(".")[0]

    def leave_ImportAlias(
        self, original_node: cst.ImportAlias, updated_node: cst.ImportAlias
    ) -> cst.ImportAlias:
        """``from pkg.models import action`` -> ``from pkg.models import actions``."""
        old_last = self._move.old.rpartition(".")[2]
        if not (self._from_old_parent and code(updated_node.name) == old_last):
            return updated_node
        asname = updated_node.asname
        if original_node in self._renames.keep_local:
            asname = cst.AsName(name=cst.Name(old_last))
        return updated_node.with_changes(
            name=cst.Name(self._move.new.rpartition(".")[2]), asname=asname
        )

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        self._in_import -= 1
        names = []
        for alias in updated_node.names:
            name = code(alias.name)
            if name == self._move.old or name.startswith(self._move.old + "."):
                alias = alias.with_changes(
                    name=_expression(self._move.new + name[len(self._move.old) :])
                )
            names.append(alias)
        return updated_node.with_changes(names=names)

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        self._in_import -= 1
        self._from_old_parent = False
        return updated_node

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> (
        cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine] | cst.RemovalSentinel
    ):
        if not any(isinstance(s, cst.ImportFrom) for s in updated_node.body):
            return updated_node
        lines: list[list[cst.BaseSmallStatement]] = [[]]
        changed = False
        for small in updated_node.body:
            if not isinstance(small, cst.ImportFrom):
                lines[0].append(small)
                continue
            rewritten = self._rewrite_from(small)
            if rewritten is None:
                lines[0].append(small)
                continue
            changed = True
            if len(rewritten) > 1 and len(updated_node.body) > 1:
                raise RewriteError(
                    f"`{_one_line(small)}` shares its line with other statements and must be split"
                )
            lines[0].append(rewritten[0])
            lines.extend([r] for r in rewritten[1:])
        if not changed:
            return updated_node
        new_lines = [updated_node.with_changes(body=_fix_semicolons(lines[0]))]
        new_lines += [cst.SimpleStatementLine(body=_fix_semicolons(line)) for line in lines[1:]]
        self._rewritten.update(id(line) for line in new_lines)
        return new_lines[0] if len(new_lines) == 1 else cst.FlattenSentinel(new_lines)

    def _rewrite_from(self, node: cst.ImportFrom) -> list[cst.ImportFrom] | None:
        """The statement(s) replacing ``node``, or None when it does not import from ``old``."""
        level = len(node.relative)
        written = code(node.module) if node.module else None
        source = absolute_module(self._package, level, written)
        if source is None:
            return None
        if source != self._move.old and not source.startswith(self._move.old + "."):
            return None
        suffix = source[len(self._move.old) :]
        if isinstance(node.names, cst.ImportStar) or suffix:
            if (self._move.elsewhere or self._move.renamed) and not suffix:
                raise RewriteError(
                    f"`{_one_line(node)}`: a star import cannot follow names that now live elsewhere"
                )
            return [self._with_module(node, self._move.new + suffix)]
        groups: dict[str, list[cst.ImportAlias]] = {}
        for alias in node.names:
            target = self._move.target(code(alias.name))
            groups.setdefault(target, []).append(_renamed_alias(alias, self._move.renamed))
        parenthesised = node.lpar is not None
        statements = []
        for i, (target, aliases) in enumerate(groups.items()):
            if parenthesised and len(groups) > 1:
                # Each split statement ends the way the original did (the line break before `)`),
                # keeping the comment after its own last name.
                last = aliases[-1]
                comma = _keep_comment(node.names[-1].comma, last.comma)
                aliases = [*aliases[:-1], last.with_changes(comma=comma)]
            statement = self._with_module(node, target, _fix_commas(aliases, parenthesised))
            if i and node.lpar is not None:
                statement = statement.with_changes(lpar=_without_comment(node.lpar))
            statements.append(statement)
        return statements

    def _with_module(
        self, node: cst.ImportFrom, target: str, names: Sequence[cst.ImportAlias] | None = None
    ) -> cst.ImportFrom:
        level = len(node.relative)
        new = node.with_changes(names=names) if names is not None else node
        if level:
            base = absolute_module(self._package, level, None) or ""
            if target.startswith(base + ".") if base else True:
                rest = target[len(base) + 1 :] if base else target
                return new.with_changes(module=_expression(rest))
            whitespace = (
                node.whitespace_after_from
                if node.whitespace_after_from.value
                else cst.SimpleWhitespace(" ")
            )
            return new.with_changes(
                relative=(), module=_expression(target), whitespace_after_from=whitespace
            )
        return new.with_changes(module=_expression(target))

    # ------------------------------------------------------------ uses

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self._renames.names.get(original_node)
        return updated_node.with_changes(value=new) if new is not None else updated_node

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        if self._in_import:
            return updated_node
        written = dotted_name(original_node) or ""
        if (
            written.startswith(self._move.old + ".")
            and written.count(".") == self._move.old.count(".") + 1
        ):
            name = written.rpartition(".")[2]
            _refuse_renamed(self._move, written)
            if name in self._move.elsewhere:
                raise RewriteError(
                    f"`{written}` now lives in {self._move.elsewhere[name]}, which this file does not import"
                )
        if dotted_name(updated_node) == self._move.old:
            return _expression(self._move.new).with_changes(
                lpar=updated_node.lpar, rpar=updated_node.rpar
            )
        return updated_node

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        if self._in_import or any(c in updated_node.prefix.lower() for c in "bf"):
            return updated_node
        value = updated_node.evaluated_value
        if not isinstance(value, str):
            return updated_node
        old = self._move.old
        if value == old:
            new_value = self._move.new
        elif value.startswith(old + "."):
            rest = value[len(old) + 1 :]
            first, dot, tail = rest.partition(".")
            rest = self._move.renamed.get(first, first) + dot + tail
            new_value = f"{self._move.target(first)}.{rest}"
        else:
            return updated_node
        quote = updated_node.quote
        raw = updated_node.value[len(updated_node.prefix) + len(quote) : -len(quote)]
        if raw != value:  # escapes in the literal: leave it to a person
            raise RewriteError(f"the string {updated_node.value} names {old} with escapes")
        return updated_node.with_changes(value=f"{updated_node.prefix}{quote}{new_value}{quote}")

    # ------------------------------------------------------------ repeats

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        """Drop names from rewritten top-level imports that another top-level import already binds
        the same way (the package ``__init__`` that imported both copies)."""
        imports = [(i, s, self._binding_keys(s)) for i, s in enumerate(updated_node.body)]
        elsewhere = {
            key for _, s, keys in imports if id(s) not in self._rewritten for key in keys or ()
        }
        seen: set[tuple[str, str, str]] = set()
        body: list[cst.BaseStatement] = []
        changed = False
        for _, statement, keys in imports:
            if keys is None or id(statement) not in self._rewritten:
                body.append(statement)
                continue
            assert isinstance(statement, cst.SimpleStatementLine)
            node = statement.body[0]
            assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
            kept = [
                a
                for a, key in zip(node.names, keys, strict=True)
                if key not in elsewhere and key not in seen
            ]
            seen.update(keys)
            if not kept:
                changed = True
                continue
            if len(kept) < len(node.names):
                changed = True
                statement = statement.with_changes(
                    body=[node.with_changes(names=_fix_commas(kept, node.lpar is not None))]
                )
            body.append(statement)
        return updated_node.with_changes(body=body) if changed else updated_node

    def _binding_keys(self, statement: cst.BaseStatement) -> list[tuple[str, str, str]] | None:
        """(module, name, local name) for a top-level ``from`` import line, else None."""
        if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
            return None
        node = statement.body[0]
        if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
            return None
        source = absolute_module(
            self._package, len(node.relative), code(node.module) if node.module else None
        )
        if source is None:
            return None
        return [
            (source, code(a.name), code(a.asname.name) if a.asname else code(a.name))
            for a in node.names
        ]


def _without_comment(lpar: cst.LeftParen) -> cst.LeftParen:
    """``(  # comment`` -> ``(``: a comment after the parenthesis stays with the first statement."""
    whitespace = lpar.whitespace_after
    if isinstance(whitespace, cst.ParenthesizedWhitespace) and whitespace.first_line.comment:
        return lpar.with_changes(
            whitespace_after=whitespace.with_changes(first_line=cst.TrailingWhitespace())
        )
    return lpar


def _renamed_alias(alias: cst.ImportAlias, renamed: Mapping[str, str]) -> cst.ImportAlias:
    """``A`` -> ``B as A`` (``A as X`` -> ``B as X``) when the new module calls ``A`` ``B``."""
    new = renamed.get(code(alias.name))
    if new is None:
        return alias
    asname = alias.asname or cst.AsName(name=cst.Name(code(alias.name)))
    return alias.with_changes(name=cst.Name(new), asname=asname)


def _refuse_renamed(move: ModuleMove, written: str) -> None:
    """``module.A`` where the new module calls ``A`` something else: not rewritten here."""
    name = written.rpartition(".")[2]
    if name in move.renamed:
        raise RewriteError(
            f"`{written}`: {move.new} calls it `{move.renamed[name]}`, and attribute uses are not renamed"
        )


def _keep_comment(
    final: cst.Comma | cst.MaybeSentinel, own: cst.Comma | cst.MaybeSentinel
) -> cst.Comma | cst.MaybeSentinel:
    """``final`` (the comma that ended the original statement) with the end of line that
    followed ``own``: its comment (``get_db,  # the session``), or none (never the comment of
    another name)."""
    if not (
        isinstance(final, cst.Comma)
        and isinstance(final.whitespace_after, cst.ParenthesizedWhitespace)
    ):
        return final
    own_after = own.whitespace_after if isinstance(own, cst.Comma) else None
    first_line = (
        own_after.first_line
        if isinstance(own_after, cst.ParenthesizedWhitespace)
        else cst.TrailingWhitespace()
    )
    return final.with_changes(
        whitespace_after=final.whitespace_after.with_changes(first_line=first_line)
    )


def _fix_commas(aliases: Sequence[cst.ImportAlias], parenthesised: bool) -> list[cst.ImportAlias]:
    """A subset of an import's names with valid commas (no trailing comma without parentheses)."""
    fixed = list(aliases)
    if fixed and not parenthesised:
        fixed[-1] = fixed[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return fixed


def _fix_semicolons(smalls: list[cst.BaseSmallStatement]) -> list[cst.BaseSmallStatement]:
    if smalls and not isinstance(smalls[-1].semicolon, cst.MaybeSentinel):
        smalls = [*smalls[:-1], smalls[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)]
    return smalls


def _expression(dotted: str) -> cst.Name | cst.Attribute:
    expression = cst.parse_expression(dotted)
    assert isinstance(expression, (cst.Name, cst.Attribute))
    return expression


def _one_line(node: cst.CSTNode) -> str:
    return " ".join(code(node).split())

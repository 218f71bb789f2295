"""Turn one module into a package: move top-level definitions verbatim into new submodules.

The caller decides which definition goes where (``PackageLayout``); this module builds the
text of each new file:

- each submodule gets ``from __future__`` if the module had it, the module's own imports
  filtered to the names its code uses (relative ones made absolute, since the code now sits one
  package deeper), imports of the sibling definitions it uses, and then its definitions,
  byte for byte as they were, with the comments above them, in their original order;
- ``__init__.py`` gets the module's docstring, imports every submodule (in isort's order: the
  package has no import cycle, each submodule imports what it needs),
  re-exports the names the module offered, and keeps its ``__all__`` (or writes one).

A use of a sibling's name becomes a runtime import unless the framework resolves it without
one (``import_kind``): a SQLAlchemy mapped class naming another mapped class in a string
annotation (imported under ``if TYPE_CHECKING:``, for type checkers) or in a
``relationship("X")`` argument (no import at all: the class registry resolves it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import libcst as cst

from fixup.codemods.absolute_imports import Target, absolutize
from fixup.codemods.nodes import code
from fixup.codemods.reference_graph import ReferenceGraph, TopLevel, UseKind

ImportKind = Literal["runtime", "typing", "none"]

_LINE_LENGTH = 88
_CONSTANT = re.compile(r"^_*[A-Z][A-Z0-9_]*$")


class SplitError(Exception):
    """The module cannot be split safely; the message says why."""


@dataclass(frozen=True)
class PackageLayout:
    #: The dotted name of the new package: the old module's name (``models``, ``app.models``).
    package: str
    #: ``__package__`` of the old module, the anchor of its relative imports ("" at the top).
    old_package: str
    #: Submodule name -> indexes of the definitions it holds, in import order (dependencies first).
    modules: Mapping[str, Sequence[int]]
    #: Names ``__init__.py`` imports: defined ones from their submodule, the rest from the
    #: module's own imports (a name it imported and importers took from it).
    reexports: Sequence[str]
    #: ``__all__`` to write when the module had none (None: keep the module's own statements).
    all_names: Sequence[str] | None
    #: (statement index, name) uses imported only for type checkers although Python evaluates
    #: them: Pydantic annotations naming a model in a module that imports this one.
    deferred: frozenset[tuple[int, str]] = frozenset()
    #: Models ``__init__.py`` rebuilds once every submodule is imported (``model_rebuild()``).
    rebuild: Sequence[str] = ()


def import_kind(user: TopLevel, target: TopLevel, kinds: Iterable[UseKind]) -> ImportKind:
    """How a statement in one submodule must import a name defined in another."""
    used = set(kinds)
    if "runtime" in used or not (user.is_mapped and target.is_mapped):
        return "runtime"
    return "typing" if "annotation" in used else "none"


def deferrable(user: TopLevel, kinds: Iterable[UseKind]) -> bool:
    """True when a use could be imported for type checkers only, with the model rebuilt later:
    a Pydantic model naming another in an annotation that is a string (or postponed)."""
    return user.is_pydantic and not user.is_mapped and set(kinds) <= {"annotation"}


def split_module(graph: ReferenceGraph, layout: PackageLayout) -> dict[str, str]:
    """Submodule name (and ``__init__``) -> its new text."""
    statements = graph.statements
    home: dict[int, str] = {}
    for name, indexes in layout.modules.items():
        for index in indexes:
            home[index] = name
    header = [s for s in statements if s.kind == "import"]
    header_nodes = {s.index: _absolute_header(s.node, layout.old_package) for s in header}
    header_owner = {name: s.index for s in header for name in s.defines}
    owners = graph.defined_by()
    future = [s for s in statements if s.kind == "future"]

    texts: dict[str, str] = {}
    last = max((i for indexes in layout.modules.values() for i in indexes), default=-1)
    for module_name, indexes in layout.modules.items():
        header_names: set[str] = set()
        runtime: dict[str, set[str]] = {}
        typing_only: dict[str, set[str]] = {}
        for index in indexes:
            user = statements[index]
            for name, kinds in user.uses.items():
                if name in header_owner:
                    header_names.add(name)
                    continue
                targets = [i for i in owners.get(name, ()) if i in home]
                if not targets or any(home[i] == module_name for i in targets):
                    continue
                kind = import_kind(user, statements[targets[0]], kinds)
                if kind == "runtime" and (index, name) in layout.deferred:
                    kind = "typing"
                source = home[targets[0]]
                if kind == "runtime":
                    runtime.setdefault(source, set()).add(name)
                elif kind == "typing":
                    typing_only.setdefault(source, set()).add(name)
        for source, names in runtime.items():
            typing_only.get(source, set()).difference_update(names)
        typing_only = {s: n for s, n in typing_only.items() if n}
        # TYPE_CHECKING comes from the module's own typing import when it has one.
        typing_host = None
        if typing_only:
            if "TYPE_CHECKING" in header_owner:
                header_names.add("TYPE_CHECKING")
            else:
                typing_host = _typing_import(header, header_nodes)
        needs_type_checking = (
            bool(typing_only) and "TYPE_CHECKING" not in header_owner and typing_host is None
        )

        lines: list[str] = [graph.module.code_for_node(s.node).strip("\n") + "\n" for s in future]
        if lines:
            lines.append("\n")
        imports: list[str] = []
        if needs_type_checking:
            imports.append("from typing import TYPE_CHECKING\n")
        imports.extend(
            _filtered_header(
                graph.module, header, header_nodes, header_names, typing_host=typing_host
            )
        )
        if imports and runtime and not _first_party(imports[-1], layout.package):
            imports.append("\n")  # the project's own imports form the last section
        for source in sorted(runtime):
            imports.append(_from_import(f"{layout.package}.{source}", runtime[source]))
        if typing_only:
            imports.append("\nif TYPE_CHECKING:\n")
            for source in sorted(typing_only):
                imports.append(
                    _from_import(f"{layout.package}.{source}", typing_only[source], indent="    ")
                )
        lines.extend(imports)
        body = [statements[i].node for i in sorted(indexes)]
        if body:
            first = body[0]
            assert isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
            separator = ""
            if imports or lines:
                # Keep the blank lines it had above it; a class or function needs two after imports.
                blank = len(first.leading_lines) - len(_strip_blank_start(first.leading_lines))
                wanted = 2 if isinstance(first, (cst.ClassDef, cst.FunctionDef)) else 1
                separator = "\n" * max(0, wanted - blank)
            else:
                body[0] = first.with_changes(leading_lines=_strip_blank_start(first.leading_lines))
            # The module's own indentation and newline: its statements are reproduced byte for byte.
            lines.append(
                separator
                + graph.module.with_changes(
                    header=(),
                    body=body,
                    # Comments after the last statement stay after it.
                    footer=graph.module.footer if last in indexes else (),
                ).code
            )
        texts[module_name] = _join(lines)
    texts["__init__"] = _init_text(graph, layout, header, header_nodes, header_owner, home)
    for name, text in texts.items():
        try:
            cst.parse_module(text)
        except cst.ParserSyntaxError as exc:  # a bug here must never reach the user's tree
            raise SplitError(f"the new module {name} would not parse: {exc.message}") from None
    return texts


def _init_text(
    graph: ReferenceGraph,
    layout: PackageLayout,
    header: list[TopLevel],
    header_nodes: Mapping[int, cst.BaseStatement],
    header_owner: Mapping[str, int],
    home: Mapping[int, str],
) -> str:
    statements = graph.statements
    owners = graph.defined_by()
    original_all = [s for s in statements if s.kind == "all"]
    exported = set(layout.all_names or ())
    for statement in original_all:
        exported.update(_literal_names(statement.node))
    # Comments above the first statement (a licence, a coding line) open the package.
    lines: list[str] = []
    if any(line.comment is not None for line in graph.module.header):
        lines.append(graph.module.with_changes(body=(), footer=()).code)
    docstring = next((s for s in statements if s.kind == "docstring"), None)
    if docstring is not None:
        lines.append(graph.module.code_for_node(docstring.node).strip("\n") + "\n\n")
    by_module: dict[str, list[str]] = {}
    header_names: set[str] = set()
    for name in layout.reexports:
        if name in header_owner:
            header_names.add(name)
            continue
        sources = [home[i] for i in owners.get(name, ()) if i in home]
        if sources:
            by_module.setdefault(sources[-1], []).append(name)
    imports = _filtered_header(graph.module, header, header_nodes, header_names, reexport=exported)
    if imports and by_module and not _first_party(imports[-1], layout.package):
        imports.append("\n")
    for module_name in sorted(layout.modules):  # isort's order; the package has no cycle
        names = by_module.get(module_name)
        if names:
            imports.append(
                _from_import(f"{layout.package}.{module_name}", names, reexport=exported)
            )
    lines.extend(imports)
    if layout.rebuild:
        lines.append(
            "\n# These models name models of modules that import theirs; with every module\n"
            "# imported, their annotations resolve.\n"
        )
        lines.extend(f"{name}.model_rebuild()\n" for name in layout.rebuild)
    if original_all:
        all_code = graph.module.with_changes(
            header=(), body=[s.node for s in original_all], footer=()
        ).code
        lines.append("\n" + all_code.lstrip("\n"))
    elif layout.all_names is not None:
        entries = "".join(f'    "{name}",\n' for name in layout.all_names)
        lines.append(f"\n__all__ = [\n{entries}]\n")
    return _join(lines)


def _join(lines: list[str]) -> str:
    text = "".join(lines)
    return text.rstrip("\n") + "\n" if text.strip() else ""


def _strip_blank_start(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    kept = list(lines)
    while kept and kept[0].comment is None:
        kept.pop(0)
    return kept


def _absolute_header(node: cst.BaseStatement, old_package: str) -> cst.BaseStatement:
    """The import statement with relative imports resolved from the old module's package."""

    class Absolutize(cst.CSTTransformer):
        def leave_ImportFrom(
            self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
        ) -> cst.ImportFrom | cst.Import:
            if not updated_node.relative:
                return updated_node
            level = len(updated_node.relative)
            bits = old_package.split(".") if old_package else []
            if level > len(bits):
                raise SplitError("a relative import in it reaches beyond the top-level package")
            module = (
                cst.Module(body=[]).code_for_node(updated_node.module)
                if updated_node.module
                else ""
            )
            anchor = bits[: len(bits) - level + 1]
            target = ".".join([*anchor, module] if module else anchor)
            return absolutize(updated_node, Target(target or None))

    result = node.visit(Absolutize())
    assert isinstance(result, cst.BaseStatement)
    return result


def _bound_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None:
        target = alias.asname.name
        assert isinstance(target, cst.Name)
        return target.value
    return code(alias.name).split(".")[0]


def _typing_import(header: list[TopLevel], nodes: Mapping[int, cst.BaseStatement]) -> int | None:
    """The module's ``from typing import ...`` statement, to add ``TYPE_CHECKING`` to."""
    for statement in header:
        node = nodes[statement.index]
        if isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1:
            small = node.body[0]
            if (
                isinstance(small, cst.ImportFrom)
                and isinstance(small.module, cst.Name)
                and small.module.value == "typing"
                and not isinstance(small.names, cst.ImportStar)
            ):
                return statement.index
    return None


def _with_type_checking(small: cst.ImportFrom) -> cst.ImportFrom:
    """``from typing import Optional`` -> ``from typing import TYPE_CHECKING, Optional`` (isort's order)."""
    assert not isinstance(small.names, cst.ImportStar)
    names = list(small.names)
    if names and small.lpar is not None and names[0].comma is not cst.MaybeSentinel.DEFAULT:
        comma = names[0].comma  # the layout of a parenthesised, one-name-per-line import
    else:
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return small.with_changes(
        names=[cst.ImportAlias(name=cst.Name("TYPE_CHECKING"), comma=comma), *names]
    )


def _filtered_header(
    template: cst.Module,
    header: list[TopLevel],
    nodes: Mapping[int, cst.BaseStatement],
    keep: set[str],
    reexport: set[str] | None = None,
    typing_host: int | None = None,
) -> list[str]:
    """The module's import statements cut down to the names in ``keep``, in their order."""
    out: list[str] = []
    for statement in header:
        host = statement.index == typing_host
        if not statement.defines & keep and not host:
            continue
        node = nodes[statement.index]
        if isinstance(node, cst.SimpleStatementLine):
            smalls: list[cst.BaseSmallStatement] = []
            for small in node.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(
                    small.names, cst.ImportStar
                ):
                    filtered = _keep_aliases(small, keep, reexport)
                    if host and isinstance(small, cst.ImportFrom):
                        filtered = (
                            _with_type_checking(filtered)
                            if isinstance(filtered, cst.ImportFrom)
                            else (
                                small.with_changes(
                                    names=[cst.ImportAlias(name=cst.Name("TYPE_CHECKING"))],
                                    lpar=None,
                                    rpar=None,
                                )
                            )
                        )
                    if filtered is not None:
                        smalls.append(filtered)
            if not smalls:
                continue
            smalls[-1] = smalls[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
            node = node.with_changes(body=smalls)
        # The blank lines and comments that grouped the imports (stdlib, third party) stay.
        assert isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
        leading = (
            _strip_blank_start(node.leading_lines) if not out else _one_blank(node.leading_lines)
        )
        text = template.code_for_node(node.with_changes(leading_lines=leading))
        out.append(text if text.endswith("\n") else text + "\n")
    return out


def _first_party(statement: str, package: str) -> bool:
    """True when an import statement's text imports from the package's own top-level package."""
    top = package.split(".")[0]
    words = statement.split()
    return len(words) > 1 and words[0] in ("from", "import") and words[1].split(".")[0] == top


def _one_blank(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    kept: list[cst.EmptyLine] = []
    for line in lines:
        if line.comment is None and kept and kept[-1].comment is None:
            continue
        kept.append(line)
    return kept


def _keep_aliases(
    small: cst.Import | cst.ImportFrom, keep: set[str], reexport: set[str] | None
) -> cst.Import | cst.ImportFrom | None:
    assert not isinstance(small.names, cst.ImportStar)
    names = []
    for alias in small.names:
        bound = _bound_name(alias)
        if bound not in keep:
            continue
        if (
            reexport is not None
            and bound not in reexport
            and alias.asname is None
            and isinstance(alias.name, cst.Name)
        ):
            # "X as X" tells linters and type checkers that the package re-exports X.
            alias = alias.with_changes(
                asname=cst.AsName(name=cst.Name(bound)),
            )
        names.append(alias)
    if not names:
        return None
    if isinstance(small, cst.ImportFrom) and small.lpar is not None:
        return small.with_changes(names=names)
    names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return small.with_changes(names=names)


def sort_names(names: Iterable[str]) -> list[str]:
    """isort's order within an import: CONSTANTS, then Classes, then the rest, case-insensitive."""

    def key(name: str) -> tuple[int, str]:
        if _CONSTANT.match(name) and len(name.strip("_")) > 1:
            rank = 0
        elif name.lstrip("_")[:1].isupper():
            rank = 1
        else:
            rank = 2
        return rank, name.lower()

    return sorted(set(names), key=key)


def _from_import(
    module: str, names: Iterable[str], *, indent: str = "", reexport: set[str] | None = None
) -> str:
    parts = []
    for name in sort_names(names):
        parts.append(name if reexport is None or name in reexport else f"{name} as {name}")
    line = f"{indent}from {module} import {', '.join(parts)}\n"
    if len(line) - 1 <= _LINE_LENGTH:
        return line
    inner = "".join(f"{indent}    {part},\n" for part in parts)
    return f"{indent}from {module} import (\n{inner}{indent})\n"


def _literal_names(node: cst.BaseStatement) -> list[str]:
    """The strings in an ``__all__ = [...]`` statement (empty when it is not a literal)."""
    names = []
    if isinstance(node, cst.SimpleStatementLine):
        for small in node.body:
            value = getattr(small, "value", None)
            if isinstance(value, (cst.List, cst.Tuple)):
                for element in value.elements:
                    if isinstance(element.value, cst.SimpleString) and isinstance(
                        element.value.evaluated_value, str
                    ):
                        names.append(element.value.evaluated_value)
    return names


def literal_all(graph: ReferenceGraph) -> list[str] | None:
    """The names ``__all__`` lists, or None when the module has no ``__all__`` or a computed one."""
    statements = [s for s in graph.statements if s.kind == "all"]
    if not statements:
        return None
    names: list[str] = []
    for statement in statements:
        if statement.uses and set(statement.uses) != {"__all__"}:
            return None
        found = _literal_names(statement.node)
        if not found and "[]" not in code(statement.node):
            return None
        names.extend(found)
    return names

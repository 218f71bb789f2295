"""Repair relative imports that reach beyond the top-level package; make all absolute on request.

## What it does

An import that reaches beyond the top-level package, which fails with *attempted relative
import beyond top-level package* (seed 001: ``from ..services.database_services import ...``
in ``routers/`` of a server started as ``python dev_server.py``), is resolved on the file
system from the file's folder, and named relative to the import root the app runs with
(the folder that holds the entry script). ``from .. import config`` that lands on the import
root itself becomes ``import config``. Each fix says which import root it used and why.

Relative imports that work are left alone by default. With
``[tool.fixup.relative-imports] style = "absolute"`` (a refactor, on request) every relative
``from`` import becomes the absolute module the interpreter resolves: ``from . import x``,
``from .mod import a as b``, ``from ..pkg.mod import (a, b)``, ``from .mod import *``, in
``__init__.py`` (where ``.`` is the package itself), inside functions, ``try``/``except
ImportError`` and ``if TYPE_CHECKING:`` blocks. Only the module part of the statement changes:
parentheses, line breaks, ``as`` names and comments stay.

## What it won't touch

- An import whose target cannot be determined safely is left alone and reported with the
  reason: the module exists nowhere under the import root, it reaches above the import root,
  its absolute name would reach another file from where the importer runs (a name never
  resolves into another app), or it would resolve to a standard-library module instead of
  the project's folder of the same name.
- Files that are not importable (a folder name that is not an identifier) are reported.

## Example

```diff
 # backend/routers/projects.py, the server started as `python dev_server.py` in backend/
-from ..services.database_services import get_session
-from .deps import (  # shared dependencies
+from services.database_services import get_session
+from routers.deps import (  # shared dependencies
     current_user,
 )
```

## References

- Python's import system, package-relative imports: https://docs.python.org/3/reference/import.html#package-relative-imports
- PEP 328 (absolute and relative imports); ruff's TID252 and absolufy-imports do the common case.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import libcst as cst

from fixup.cache import content_key
from fixup.codemods.absolute_imports import (
    AbsoluteImportsTransformer,
    Target,
    absolutized_source,
    dotted,
    parse_statements,
)
from fixup.codemods.nodes import code
from fixup.fix import Diagnostic, FileChange, Fix, Plan, Provenance, Severity
from fixup.fixers import FixerContext, Option
from fixup.index import (
    FileFacts,
    absolute_module,
    file_facts,
    parse_with_facts,
    with_absolute_imports,
)
from fixup.parallel import imap_in_processes
from fixup.project import Project, stdlib_names

ORDER = 10
NAME = __name__.rpartition(".")[2].replace("_", "-")

OPTIONS = {
    "scope": Option(
        "all",
        "Which relative imports to rewrite: 'all', or 'parents' (only `..` and deeper, like ruff's default).",
        choices=("all", "parents"),
    ),
    "style": Option(
        "broken",
        "'broken' rewrites only the relative imports that fail where the app runs (beyond the "
        "top-level package): a repair; 'absolute' rewrites every relative import in scope: a "
        "refactor, on request.",
        choices=("broken", "absolute"),
    ),
}

#: A line that starts with a relative import: worth a note when the file does not parse.
_RELATIVE_LINE = re.compile(r"^[ \t]*from[ \t]*\.", re.M)
_STDLIB = stdlib_names()


@dataclass(frozen=True)
class Resolution:
    """Where one relative import goes, or why it is left alone."""

    target: Target | None
    #: True when Python itself cannot resolve it (beyond the top-level package).
    broken: bool
    reason: str | None = None


@dataclass
class FileResult:
    """One file's rewrite: (start, end, replacement) edits, and what it reports."""

    edits: list[tuple[int, int, str]] = field(default_factory=list)
    #: The statements rewritten that Python could not resolve, as written (for the explanation).
    broken: list[str] = field(default_factory=list)
    #: (line, message, severity)
    notes: list[tuple[int | None, str, Severity]] = field(default_factory=list)
    #: The index's facts of the text after the edits (the file's text when there are none),
    #: so the fixers after this one do not parse it again. Not cached here: the index caches it.
    facts: list[object] | None = None
    #: False when ``facts`` were derived from the original text's without parsing the new one.
    parsed: bool = True


@dataclass(frozen=True)
class _Job:
    project: Project
    scope: str
    style: str


def plan(ctx: FixerContext) -> Plan:
    project = ctx.project
    job = _Job(project, ctx.options["scope"], ctx.options["style"])
    # A file's result depends on its text and on which modules exist where.
    layout = hashlib.blake2b(
        repr(
            (sorted(project.modules().items()), project.roots.paths, job.scope, job.style)
        ).encode(),
        digest_size=16,
    ).hexdigest()

    results: dict[str, FileResult] = {}
    todo: list[str] = []
    for path in project.python_files():
        text = project.files[path]
        if "from" not in text or "." not in text:
            continue
        cached = ctx.cache.get(content_key(NAME, layout, path, text))
        if isinstance(cached, dict):
            results[path] = FileResult(
                [tuple(e) for e in cached["edits"]],
                list(cached["broken"]),
                [tuple(n) for n in cached["notes"]],
            )
        else:
            todo.append(path)
    todo.sort(key=lambda path: -len(project.files[path]))
    for path, result in zip(todo, imap_in_processes(_convert_file, job, todo), strict=True):
        results[path] = result
        text = project.files[path]
        if result.facts is not None and result.edits:
            ctx.facts.add(text, None)  # parsed for the edits; this text's facts are not needed
            ctx.facts.add(_spliced(text, result.edits), result.facts, parsed=result.parsed)
        elif result.facts is not None:
            ctx.facts.add(text, result.facts)
        result.facts = None
        ctx.cache.put(
            content_key(NAME, layout, path, project.files[path]),
            {"edits": result.edits, "broken": result.broken, "notes": result.notes},
        )

    out = Plan()
    for path in sorted(results):
        result = results[path]
        for line, message, severity in result.notes:
            out.diagnostics.append(
                Diagnostic(message, path=path, line=line, fixer=NAME, severity=severity)
            )
        if result.edits:
            out.fixes.append(_make_fix(project, path, result))
    return out


def _make_fix(project: Project, path: str, result: FileResult) -> Fix:
    text = project.files[path]
    new = _spliced(text, result.edits)
    count = len(result.edits)
    root = project.import_root(path) or ""
    source = project.roots.sources.get(root, "the first folder above it that is not a package")
    if result.broken:
        listing = "; ".join(f"`{s}`" for s in result.broken[:3]) + (
            " ..." if len(result.broken) > 3 else ""
        )
        subject = (
            "It reaches"
            if count == 1
            else (
                f"{len(result.broken)} of them reach"
                if len(result.broken) < count
                else "They reach"
            )
        )
        why = (
            f"{subject} beyond the top-level package and fail{'s' * (subject == 'It reaches')} at start-up "
            f"with 'attempted relative import beyond top-level package' ({listing}); resolved "
            f"on the file system and named from the import root {root or '.'}/."
        )
    else:
        why = "Absolute imports name the module the same way wherever the file is run from, so later fixes and readers see one import style."
    return Fix(
        fixer=NAME,
        title=f"Make {count} relative import{'s' * (count != 1)} absolute in {path}",
        explanation=why,
        changes=(FileChange(path, text, new),),
        provenance=(Provenance(f"import root {root or '.'}/ ({source})", path=root or "."),),
    )


def _convert_file(job: _Job, path: str) -> FileResult:
    """One file's edits, and the index's facts of the text they make.

    The file is parsed once, with ``ast``: the tree gives the relative imports' exact spans
    (strings and comments cannot fool it), and the facts of the rewritten text follow from the
    original's, since only import headers change. Only an edit that changes the shape of the
    text (a header across lines, ``from .. import a`` becoming ``import a``) makes the new text
    parse again.
    """
    text = job.project.files[path]
    facts, tree = parse_with_facts(text, path)
    if tree is None:
        result = FileResult()
        if _RELATIVE_LINE.search(text):
            assert facts.syntax_error is not None
            message, line = facts.syntax_error
            result.notes.append(
                (None, f"syntax error, file skipped: line {line}: {message}", "error")
            )
        return result
    result, moves = (
        _plan_edits(job, path, text, tree) if _to_plan(job, path, facts) else (FileResult(), {})
    )
    if not result.edits:
        result.facts = facts.to_json()
        return result
    new_text = _spliced(text, result.edits)
    if moves is not None:
        result.facts = with_absolute_imports(facts, moves).to_json()
        result.parsed = False
        return result
    new = file_facts(new_text, path)
    if (
        new.syntax_error is not None
    ):  # pragma: no cover - the edits replace statements with statements
        message, line = new.syntax_error
        reason = f"rewriting it would not parse (line {line}: {message}); please report this"
        return FileResult(
            notes=[*result.notes, (None, f"syntax error, file skipped: {reason}", "error")]
        )
    result.facts = new.to_json()
    return result


def _to_plan(job: _Job, path: str, facts: FileFacts) -> bool:
    """Does the file have a relative import this run may rewrite? The index's facts tell,
    without looking for the statements in the tree."""
    if not facts.has_relative_imports:
        return False
    if job.style != "broken" or job.project.package_of(path) is None:
        return True  # (a file outside any package gets its warning from `_plan_edits`)
    package = job.project.package_of(path) or ""
    return any(
        level and absolute_module(package, level, module or None) is None
        for level, module, *_ in facts.imports.from_imports
    )


@dataclass(frozen=True)
class Span:
    """A statement's source: ``text[start:end]``, starting at its first keyword."""

    start: int
    end: int
    #: 1-based line of ``start``.
    line: int


def _relative_imports(text: str, tree: ast.Module) -> list[tuple[Span, ast.ImportFrom]]:
    """The relative ``from`` imports of a file, anywhere in it, with their source spans."""
    nodes = [n for n in _statements(tree.body) if isinstance(n, ast.ImportFrom) and n.level]
    if not nodes:
        return []
    nodes.sort(key=lambda n: (n.lineno, n.col_offset))
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(line: int, column: int) -> int:
        # ast columns count UTF-8 bytes.
        source = lines[line - 1]
        if not source.isascii():
            column = len(source.encode("utf-8")[:column].decode("utf-8", "replace"))
        return starts[line - 1] + column

    return [
        (
            Span(
                offset(n.lineno, n.col_offset),
                offset(n.end_lineno or n.lineno, n.end_col_offset or 0),
                n.lineno,
            ),
            n,
        )
        for n in nodes
    ]


def _parses(statement: str) -> bool:
    """The replacement is one statement that parses: spliced over the exact span of one, the
    file parses as before, without parsing all of it again."""
    try:
        return len(ast.parse(statement).body) == 1
    except (SyntaxError, ValueError):
        return False


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement, nested ones included, without walking expressions (imports are
    statements, so this finds them all at a fraction of ``ast.walk``'s cost)."""
    stack: list[Any] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.stmt):
            yield node
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, name, None)
            if type(inner) is list:
                stack.extend(inner)


def _plan_edits(
    job: _Job, path: str, text: str, tree: ast.Module
) -> tuple[FileResult, dict[tuple[int, str, int], str] | None]:
    """The edits, and what they do to the imports' facts ((level, module, line) -> absolute
    module); None when the text must be parsed again to know."""
    project = job.project
    result = FileResult()
    found = _relative_imports(text, tree)
    if not found:
        return result, {}
    if project.package_of(path) is None:
        result.notes.append(
            (
                found[0][0].line,
                "not importable as a module (its path is not a dotted name): relative imports left alone",
                "warning",
            )
        )
        return result, {}
    if job.style == "broken":
        # Python resolves these (what `_resolve` decides first): only the others need libcst.
        package = project.package_of(path) or ""
        found = [
            (span, node)
            for span, node in found
            if absolute_module(package, node.level, node.module) is None
        ]
        if not found:
            return result, {}
    spans = [span for span, _ in found]
    nodes = parse_statements([text[s.start : s.end] for s in spans])
    if nodes is None:
        return _convert_whole_module(job, path, text), None
    moves: dict[tuple[int, str, int], str] | None = {}
    for span, node in zip(spans, nodes, strict=True):
        resolution = _resolve(job, path, node)
        if resolution is None:
            continue
        if resolution.target is None:
            result.notes.append(
                (span.line, f"`{_describe(node)}` left alone: {resolution.reason}", "warning")
            )
            continue
        source = text[span.start : span.end]
        try:
            replacement = absolutized_source(node, source, resolution.target)
        except ValueError as exc:
            result.notes.append((span.line, f"`{_describe(node)}` left alone: {exc}", "warning"))
            continue
        result.edits.append((span.start, span.end, replacement))
        if resolution.broken:
            result.broken.append(_describe(node))
        level = len(node.relative)
        target = resolution.target.module
        if (
            moves is not None
            and target is not None
            and replacement.count("\n") == source.count("\n")
            and _parses(replacement)
        ):
            moves[(level, dotted(node)[level:], span.line)] = target
        else:
            moves = None
    return result, moves


def _spliced(text: str, edits: list[tuple[int, int, str]]) -> str:
    parts: list[str] = []
    position = 0
    for start, end, replacement in sorted(edits):
        parts += (text[position:start], replacement)
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _convert_whole_module(job: _Job, path: str, text: str) -> FileResult:
    """The slow path, for statements libcst cannot read one by one: parse the whole module."""
    result = FileResult()
    try:
        module = job.project.parse(path)
    except cst.ParserSyntaxError as exc:
        result.notes.append((exc.raw_line, f"syntax error, file skipped: {exc.message}", "error"))
        return result
    notes: list[tuple[int | None, str, Severity]] = []
    broken: list[str] = []

    def resolve(node: cst.ImportFrom) -> Target | None:
        resolution = _resolve(job, path, node)
        if resolution is None:
            return None
        if resolution.target is None:
            notes.append((None, f"`{_describe(node)}` left alone: {resolution.reason}", "warning"))
        elif resolution.broken:
            broken.append(_describe(node))
        return resolution.target

    transformer = AbsoluteImportsTransformer(resolve)
    try:
        new = module.visit(transformer).code
    except ValueError as exc:
        result.notes.append((None, f"left alone: {exc}", "warning"))
        return result
    result.notes.extend(notes)
    result.broken.extend(broken)
    if new != text:
        result.edits.append((0, len(text), new))
    return result


def _resolve(job: _Job, path: str, node: cst.ImportFrom) -> Resolution | None:
    """Where ``node`` (a relative import in ``path``) goes; None when out of scope."""
    level = len(node.relative)
    if job.scope == "parents" and level < 2:
        return None
    project = job.project
    module = dotted(node)[level:] or None
    root = project.import_root(path) or ""
    target = absolute_module(project.package_of(path) or "", level, module)
    if target is not None:
        if job.style == "broken":
            return None
        return _check_shadowing(project, path, Resolution(Target(target), broken=False), root)
    # Python cannot resolve it (beyond the top-level package): find what it meant on disk.
    return _resolve_on_disk(project, path, level, module, node, root)


def _resolve_on_disk(
    project: Project, path: str, level: int, module: str | None, node: cst.ImportFrom, root: str
) -> Resolution:
    """Python gives up on this import; find what it meant from the file's folder."""
    folder = PurePosixPath(path).parent
    for _ in range(level - 1):
        if folder == PurePosixPath("."):
            return Resolution(None, True, "it reaches above the project folder")
        folder = folder.parent
    folder_str = "" if folder == PurePosixPath(".") else folder.as_posix()
    if root and not (folder_str == root or folder_str.startswith(root + "/")):
        return Resolution(None, True, f"it reaches above the import root {root}/")
    base = (
        PurePosixPath(folder_str).relative_to(root).parts
        if root
        else PurePosixPath(folder_str).parts
    )
    parts = [*base, *(module.split(".") if module else [])]
    if parts:
        target = ".".join(parts)
        if not project.module_exists(target, root):
            return Resolution(
                None, True, f"no module {target!r} under the import root {root or '.'}/"
            )
        return _check_shadowing(project, path, Resolution(Target(target), broken=True), root)
    # "from .. import config" landing on the import root: each name must be a top-level module.
    if isinstance(node.names, cst.ImportStar):
        return Resolution(None, True, "'import *' from the import root itself has no absolute form")
    for alias in node.names:
        name = code(alias.name)
        if not project.module_exists(name, root):
            return Resolution(
                None, True, f"no module {name!r} under the import root {root or '.'}/"
            )
        shadowed = _check_shadowing(project, path, Resolution(Target(name), broken=True), root)
        if shadowed.target is None:
            return shadowed
    return Resolution(Target(None), broken=True)


def _check_shadowing(project: Project, path: str, resolution: Resolution, root: str) -> Resolution:
    assert resolution.target is not None and resolution.target.module is not None
    top = resolution.target.module.split(".")[0]
    if top in _STDLIB:
        return Resolution(
            None,
            resolution.broken,
            f"the absolute name would import the standard library's {top!r}, not the project's folder",
        )
    # The absolute name must reach, on this file's sys.path, what the relative one meant.
    module = resolution.target.module
    meant, reached = project.resolve(module, root), project.resolve_from(path, module)
    if meant != reached or project.module_exists(module, root) != project.module_exists_from(
        path, module
    ):
        return Resolution(
            None,
            resolution.broken,
            f"the absolute name {module!r} would import {reached or 'nothing'} from here, "
            f"not {meant or 'the folder ' + (root or '.') + '/'}",
        )
    return resolution


def _describe(node: cst.ImportFrom) -> str:
    """The statement on one line, without its comments: ``from ..a import b, c``."""
    if isinstance(node.names, cst.ImportStar):
        names = "*"
    else:
        names = ", ".join(
            code(alias.name) + (f" as {code(alias.asname.name)}" if alias.asname else "")
            for alias in node.names
        )
    return f"from {dotted(node)} import {names}"

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

import hashlib
import warnings
from dataclasses import dataclass, field
from pathlib import PurePosixPath

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
from fixup.parallel import map_in_processes
from fixup.project import Project, stdlib_names
from fixup.scan import StatementScanner

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

_SCANNER = StatementScanner(r"from[ \t]*\.")
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
    for path, result in zip(todo, map_in_processes(_convert_file, job, todo), strict=True):
        results[path] = result
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
    text = job.project.files[path]
    result = _plan_edits(job, path, text)
    if result.edits and (error := _syntax_error(path, _spliced(text, result.edits))):
        # The edits replace whole statements with statements, so only a file that was
        # already broken fails here; either way nothing that does not parse is written.
        original = _syntax_error(path, text)
        reason = original or f"rewriting it would not parse ({error}); please report this"
        return FileResult(
            notes=[*result.notes, (None, f"syntax error, file skipped: {reason}", "error")]
        )
    return result


def _plan_edits(job: _Job, path: str, text: str) -> FileResult:
    project = job.project
    result = FileResult()
    scan = _SCANNER.scan(text)
    if not scan.spans and not scan.needs_full_parse:
        return result
    if project.package_of(path) is None:
        result.notes.append(
            (
                scan.spans[0].line if scan.spans else None,
                "not importable as a module (its path is not a dotted name): relative imports left alone",
                "warning",
            )
        )
        return result
    nodes = (
        None
        if scan.needs_full_parse
        else parse_statements([text[s.start : s.end] for s in scan.spans])
    )
    if nodes is None:
        return _convert_whole_module(job, path, text)
    for span, node in zip(scan.spans, nodes, strict=True):
        resolution = _resolve(job, path, node)
        if resolution is None:
            continue
        if resolution.target is None:
            result.notes.append(
                (span.line, f"`{_describe(node)}` left alone: {resolution.reason}", "warning")
            )
            continue
        try:
            replacement = absolutized_source(node, text[span.start : span.end], resolution.target)
        except ValueError as exc:
            result.notes.append((span.line, f"`{_describe(node)}` left alone: {exc}", "warning"))
            continue
        result.edits.append((span.start, span.end, replacement))
        if resolution.broken:
            result.broken.append(_describe(node))
    return result


def _spliced(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _syntax_error(path: str, text: str) -> str | None:
    """Why ``text`` does not compile, or None. (compile() is the cheapest full check.)"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarnings are the user's business, not ours
        try:
            compile(text, path, "exec", dont_inherit=True)
        except SyntaxError as exc:
            return f"line {exc.lineno}: {exc.msg}"
        except ValueError as exc:  # NUL bytes
            return str(exc)
    return None


def _convert_whole_module(job: _Job, path: str, text: str) -> FileResult:
    """The slow path, for files the scan cannot cut into statements: parse it all."""
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
    package = project.package_of(path) or ""
    root = project.import_root(path) or ""
    bits = package.split(".") if package else []
    if len(bits) >= level:
        if job.style == "broken":
            return None
        target = ".".join(bits[: len(bits) - level + 1] + ([module] if module else []))
        return _check_shadowing(project, path, Resolution(Target(target), broken=False), root)
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

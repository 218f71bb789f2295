"""Rendering a run: one reviewable block per fix (a ``git apply``-able unified diff), and
the machine-readable JSON form.

JSON schema (``--output-format json``), version 2 (documented in the README too)::

    {
      "schema": 2, "fixup": "<version>", "root": "<abs path>",
      "repository_root": "<abs path of the git work tree>",  # null outside git
      "roots": [{"path": "backend", "source": "entry script ..."}],
      "fixes": [{
          "fixer": "relative-imports", "title": "...", "explanation": "...",
          "safe": true,
          "applied": false,  # true only when the fix was written (tree or branch)
          "skipped_reason": null,  # why it was not proposed (unsafe, conflict)
          "provenance": [{"description": "...", "commit": null, "path": null,
                          "date": null, "author": null, "subject": null}],
          "files": [{"path": "routers/a.py", "action": "modify", "renamed_from": null,
                     "line": 3, "column": 6}],  # first changed line, 1-based
          "diff": "diff --git a/backend/routers/a.py b/backend/routers/a.py\\n..."
      }],
      "diagnostics": [{"severity": "error", "path": "x.py", "line": 3, "column": 1,
                       "fixer": "relative-imports", "message": "..."}],
      "summary": {"fixes": 1, "files": 1, "skipped": 0, "errors": 0, "applied": false},
      "statistics": {...},   # only with --statistics: fixup.formats.statistics()
      "verification": {...}  # only with --verify: fixup.verify.Verification.to_json()
    }

Paths in ``files`` and ``diagnostics`` are relative to ``root``; the ``diff`` is the
``--dry-run`` patch, with paths relative to the repository root. Version 1 had no
``line``/``column`` on files, no ``column`` on diagnostics, and ``applied`` meant "not
skipped".
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any, BinaryIO, TextIO

from fixup import __version__
from fixup.console import make_console
from fixup.fix import Diagnostic, FileChange, Fix, Report, changed_files
from fixup.project import Project
from fixup.textio import TextFormat, on_disk

JSON_SCHEMA_VERSION = 2


class NotAPatch(Exception):
    """A change ``git apply`` could not reproduce byte for byte; the message says why."""

    def __init__(self, reason: str, path: str | None = None) -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.reason = reason
        self.path = path


def split_lines(text: str) -> list[str]:
    """Lines as git sees them: ended by ``\\n`` only (a form feed or ``\\x85`` is not a line end)."""
    lines = text.split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])


def _disk_lines(text: str | None, fmt: TextFormat) -> list[str]:
    """The file's lines as its bytes decode: its own line endings, and the BOM if it has one."""
    if text is None:
        return []
    disk = on_disk(text, fmt)
    if fmt.encoding == "utf-8-sig":
        disk = "\ufeff" + disk
    return split_lines(disk)


def _diff_parts(
    path: str, before: str | None, after: str | None, fmt: TextFormat, mode: str = "100644"
) -> tuple[list[str], list[str]]:
    """The header lines (they name the path) and the hunk lines (the file's own text)."""
    old = _disk_lines(before, fmt)
    new = _disk_lines(after, fmt)
    lines = list(
        difflib.unified_diff(
            _mark_last_line(old),
            _mark_last_line(new),
            n=3,
        )
    )
    if not lines:
        return [], []
    a, b = _quote(f"a/{path}"), _quote(f"b/{path}")
    lines[:2] = [
        f"--- {a if before is not None else '/dev/null'}\n",
        f"+++ {b if after is not None else '/dev/null'}\n",
    ]
    header = [f"diff --git {a} {b}\n"]
    if before is None:
        header.append(f"new file mode {mode}\n")
    elif after is None:
        header.append(f"deleted file mode {mode}\n")
    header += lines[:2]
    return header, [_expand_marker(line) for line in lines[2:]]


def _quote(name: str) -> str:
    """A path as git writes it in a patch: C-quoted when it has a quote, backslash or control
    character (git apply would misread it otherwise)."""
    if not any(c in '"\\' or ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        return name
    escapes = {'"': '\\"', "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
    quoted = "".join(
        escapes.get(c, f"\\{ord(c):03o}" if ord(c) < 0x20 or ord(c) == 0x7F else c) for c in name
    )
    return f'"{quoted}"'


def file_diff(
    path: str, before: str | None, after: str | None, fmt: TextFormat, mode: str = "100644"
) -> str:
    """A git-style unified diff of one file (``/dev/null`` for a created or deleted file)."""
    header, body = _diff_parts(path, before, after, fmt, mode)
    return "".join(header + body)


def file_patch(
    path: str, before: str | None, after: str | None, fmt: TextFormat, mode: str = "100644"
) -> bytes:
    """``file_diff`` as the bytes ``git apply`` needs: the hunks in the file's own encoding.

    Raises NotAPatch when the file's encoding cannot carry a patch (it is not ASCII-compatible)
    or cannot encode the new text.
    """
    header, body = _diff_parts(path, before, after, fmt, mode)
    codec = "utf-8" if fmt.encoding in ("utf-8", "utf-8-sig") else fmt.encoding
    probe = " +-@\\\n"
    try:
        ascii_compatible = probe.encode(codec) == probe.encode("ascii")
    except LookupError:
        ascii_compatible = False
    if not ascii_compatible:
        raise NotAPatch(f"its encoding {fmt.encoding} is not ASCII-compatible")
    try:
        hunks = "".join(body).encode(codec)
    except UnicodeEncodeError as exc:
        raise NotAPatch(
            f"the fixed text has {exc.object[exc.start : exc.end]!r}, which {fmt.encoding} "
            "cannot encode"
        ) from None
    return "".join(header).encode("utf-8", "surrogateescape") + hunks


_NO_EOL = "\x00no-eol\x00"


def _mark_last_line(lines: list[str]) -> list[str]:
    # difflib does not know "\ No newline at end of file"; git apply needs it.
    if lines and not lines[-1].endswith("\n"):
        lines = [*lines[:-1], lines[-1] + _NO_EOL + "\n"]
    return lines


def _expand_marker(line: str) -> str:
    if line.endswith(_NO_EOL + "\n"):
        return line[: -len(_NO_EOL) - 1] + "\n\\ No newline at end of file\n"
    return line


def _format(change: FileChange, project: Project, after: Project | None) -> TextFormat:
    # A file a fix creates is written in the format the pipeline gave it (``after``).
    return (
        project.formats.get(change.path)
        or (after.formats.get(change.path) if after is not None else None)
        or (project.formats.get(change.renamed_from) if change.renamed_from else None)
        or TextFormat()
    )


def patch_path(project: Project, path: str) -> str:
    """A project path as the patch names it: relative to the git repository's root."""
    return project.git.to_toplevel_path(path) if project.git is not None else path


def _mode(project: Project, change: FileChange) -> str:
    # A deleted file's header must name the mode git has for it (git apply checks it).
    if change.before is None:
        return "100644"
    try:
        executable = os.stat(project.root / change.path).st_mode & 0o111
    except OSError:
        return "100644"
    return "100755" if executable else "100644"


def fix_diff(fix: Fix, project: Project, after: Project | None = None) -> str:
    """The fix's diff as text, paths relative to the repository root. ``after``: the run's
    final snapshot, which knows how the files the fix creates are written."""
    return "".join(
        file_diff(
            patch_path(project, c.path),
            c.before,
            c.after,
            _format(c, project, after),
            _mode(project, c),
        )
        for c in fix.changes
    )


def fix_patch(fix: Fix, project: Project, after: Project | None = None) -> bytes:
    """The fix's diff as the bytes ``git apply`` takes (raises NotAPatch, naming the file)."""
    parts = []
    for c in fix.changes:
        try:
            parts.append(
                file_patch(
                    patch_path(project, c.path),
                    c.before,
                    c.after,
                    _format(c, project, after),
                    _mode(project, c),
                )
            )
        except NotAPatch as exc:
            raise NotAPatch(exc.reason, c.path) from None
    return b"".join(parts)


# -------------------------------------------------------------------- locations


def first_change(before: str | None, after: str | None) -> tuple[int, int]:
    """The 1-based line and column where a file change starts, in the text before it.

    That is the first line the diff removes or changes (for a pure insertion, the line the new
    lines go before, or the last line); a created file starts at 1:1 of its new text.
    """
    if before is None or after is None:
        return 1, 1
    old, new = split_lines(before), split_lines(after)
    for tag, i1, _, j1, _ in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if tag == "equal":
            continue
        if i1 >= len(old):
            return max(len(old), 1), 1
        column = 1
        if tag == "replace":
            a, b = old[i1].rstrip("\r\n"), new[j1].rstrip("\r\n")
            common = next(
                (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                min(len(a), len(b)),
            )
            column = min(common, len(a)) + 1
        return i1 + 1, column
    return 1, 1


@dataclass(frozen=True)
class Location:
    """Where a fix or diagnostic points: a project path and a 1-based line and column."""

    path: str
    line: int
    column: int


def fix_location(fix: Fix) -> Location | None:
    """The first place the fix changes in a file that exists before it (else the first file)."""
    existing = [c for c in fix.changes if c.before is not None]
    if existing:
        change = existing[0]
        return Location(change.path, *first_change(change.before, change.after))
    if fix.changes:
        change = fix.changes[0]
        return Location(change.renamed_from or change.path, 1, 1)
    return None


def diagnostic_location(diagnostic: Diagnostic) -> Location | None:
    """A diagnostic about a file points at its line (1 when it is about the whole file)."""
    if diagnostic.path is None:
        return None
    return Location(diagnostic.path, diagnostic.line or 1, 1)


# -------------------------------------------------------------------- text


def fix_header(fix: Fix, reason: str | None = None) -> list[str]:
    lines = [f"# {fix.fixer}: {fix.title}"]
    if not fix.safe:
        lines.append("#   (unsafe: may change behaviour)")
    if reason:
        lines.append(f"#   skipped: {reason}")
    for line in fix.explanation.strip().splitlines():
        lines.append(f"#   {line}".rstrip())
    for prov in fix.provenance:
        lines.append(f"#   provenance: {prov.description}")
    return lines


def iter_blocks(report: Report) -> Iterator[tuple[Fix, str | None, str]]:
    """(fix, reason it was skipped or None, its diff) for every fix, in pipeline order."""
    for fix in report.fixes:
        yield fix, None, fix_diff(fix, report.before, report.after)
    for fix, reason in report.skipped:
        yield fix, reason, fix_diff(fix, report.before, report.after)


def _all_fixes(report: Report) -> Iterator[tuple[Fix, str | None]]:
    yield from ((fix, None) for fix in report.fixes)
    yield from report.skipped


def render_patch(report: Report, *, fold_moves: bool = False) -> tuple[bytes, list[NotAPatch]]:
    """The ``--dry-run`` output as bytes, and why each fix left out of it is not a patch.

    One block per fix: a ``#``-commented header (``git apply`` skips it), then its diff, each
    file's hunks in that file's own encoding. A fix with a file ``git apply`` could not
    reproduce keeps its header, says so, and has no diff: a fix applies whole or not at all.
    With ``fold_moves``, a fix that moves code shows the folded view instead (not a patch).
    """
    out: list[bytes] = []
    not_patches: list[NotAPatch] = []
    for fix, reason in _all_fixes(report):
        header = fix_header(fix, reason)
        folded = folded_diff(fix, report.before) if fold_moves else None
        if folded is not None:
            header.append("#   (verbatim moves folded: a view for review, not a patch)")
            body = folded.encode("utf-8", "surrogateescape")
        else:
            try:
                body = fix_patch(fix, report.before, report.after)
            except NotAPatch as exc:
                header.append(f"#   (not expressible as a patch: {exc})")
                not_patches.append(exc)
                body = b""
        out.append("\n".join(header).encode("utf-8", "surrogateescape") + b"\n" + body)
    return b"".join(out), not_patches


def write_patch(report: Report, out: TextIO, *, fold_moves: bool = False) -> list[NotAPatch]:
    """Write ``render_patch`` as bytes to a text stream's ``buffer`` (its encoding would be
    wrong for a latin-1 file's hunks); return why fixes were left out."""
    data, not_patches = render_patch(report, fold_moves=fold_moves)
    out.flush()
    binary: BinaryIO | None = getattr(out, "buffer", None)
    if binary is None:  # a stream without bytes (io.StringIO): the nearest text
        out.write(data.decode("utf-8", "replace"))
    else:
        binary.write(data)
        binary.flush()
    return not_patches


def print_text(report: Report, out: TextIO, *, color: bool, fold_moves: bool = False) -> None:
    """The ``--dry-run`` blocks as text; with ``color``, coloured even when ``out`` is no terminal."""
    console = make_console(out, color=color)
    for fix, reason, diff in iter_blocks(report):
        header = fix_header(fix, reason)
        folded = folded_diff(fix, report.before) if fold_moves else None
        if folded is not None:
            header.append("#   (verbatim moves folded: a view for review, not a patch)")
            diff = folded
        for line in header:
            console.print(
                line,
                style="bold yellow"
                if line.startswith("# ") and not line.startswith("#   ")
                else "dim",
                markup=False,
            )
        for line in diff.splitlines():
            console.print(line, style=_diff_style(line), markup=False)


def _diff_style(line: str) -> str:
    if line.startswith(("+++", "---", "diff --git", "new file", "deleted file")):
        return "bold"
    if line.startswith("+"):
        return "green"
    if line.startswith("-"):
        return "red"
    if line.startswith("@@"):
        return "cyan"
    return ""


# -------------------------------------------------------------------- JSON


def to_json(
    report: Report, extra: Mapping[str, Any] | None = None, *, applied: bool = False
) -> dict[str, Any]:
    """The documented JSON form. ``applied``: the fixes were written (not for skipped ones);
    ``extra`` adds top-level keys (``verification``, ``statistics``)."""
    fixes = []
    for fix, reason, diff in iter_blocks(report):
        files = []
        for c in fix.changes:
            line, column = first_change(c.before, c.after)
            files.append(
                {
                    "path": c.path,
                    "action": c.action,
                    "renamed_from": c.renamed_from,
                    "line": line,
                    "column": column,
                }
            )
        fixes.append(
            {
                "fixer": fix.fixer,
                "title": fix.title,
                "explanation": fix.explanation,
                "safe": fix.safe,
                "applied": applied and reason is None,
                "skipped_reason": reason,
                "provenance": [asdict(p) for p in fix.provenance],
                "files": files,
                "diff": diff,
            }
        )
    diagnostics = []
    for d in report.diagnostics:
        where = diagnostic_location(d)
        diagnostics.append(
            {
                "severity": d.severity,
                "path": d.path,
                "line": where.line if where else None,
                "column": where.column if where else None,
                "fixer": d.fixer,
                "message": d.message,
            }
        )
    project = report.before
    roots = project.roots
    return {
        "schema": JSON_SCHEMA_VERSION,
        "fixup": __version__,
        "root": str(project.root),
        "repository_root": str(project.git.toplevel) if project.git is not None else None,
        "roots": [{"path": p, "source": roots.sources.get(p)} for p in roots.paths],
        "fixes": fixes,
        "diagnostics": diagnostics,
        "summary": {
            "fixes": len(report.fixes),
            "files": len(changed_files(report.fixes)),
            "skipped": len(report.skipped),
            "errors": sum(d.severity == "error" for d in report.diagnostics),
            "applied": applied and bool(report.fixes),
        },
        **(extra or {}),
    }


def print_json(
    report: Report,
    out: TextIO,
    extra: Mapping[str, Any] | None = None,
    *,
    applied: bool = False,
    compact: bool = False,
) -> None:
    """One JSON object; ``compact`` puts it on one line (JSON Lines, for several PATHs)."""
    json.dump(to_json(report, extra, applied=applied), out, indent=None if compact else 2)
    out.write("\n")


# -------------------------------------------------------------------- folded moves

#: A run of at least this many identical lines removed in one place and added in another is
#: shown as one line by the folded view.
MIN_MOVED_LINES = 4


@dataclass(frozen=True)
class _Run:
    path: str
    #: 0-based index of the run's first line in the file's lines (before for removals).
    start: int
    lines: tuple[str, ...]


def folded_diff(fix: Fix, project: Project) -> str | None:
    """The fix's diff with verbatim moves folded, or None when it moves nothing.

    Code a fix moves between files (``split-models``, ``duplicate-models``) shows up as long
    runs of identical removed and added lines; the folded view prints each such run as one
    line naming where it went or came from, so that only what is not a verbatim move (imports,
    headers, re-exports) is read line by line. It is for review, not a patch.
    """
    removed: list[_Run] = []
    added: list[_Run] = []
    opcodes: dict[str, list[tuple[str, int, int, int, int]]] = {}
    for change in fix.changes:
        a = (change.before or "").splitlines()
        b = (change.after or "").splitlines()
        codes: list[tuple[str, int, int, int, int]] = list(
            difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        )
        opcodes[change.path] = codes
        for tag, i1, i2, j1, j2 in codes:
            if tag in ("delete", "replace"):
                removed.append(_Run(change.path, i1, tuple(a[i1:i2])))
            if tag in ("insert", "replace"):
                added.append(_Run(change.path, j1, tuple(b[j1:j2])))

    index: dict[str, list[tuple[int, int]]] = {}
    for r, run in enumerate(removed):
        for offset, line in enumerate(run.lines):
            if line.strip():
                index.setdefault(line, []).append((r, offset))
    # (path, side, first line) -> (count, other path, other first line); side "+" or "-".
    folds: dict[tuple[str, str, int], tuple[int, str, int]] = {}
    for run in added:
        i = 0
        while i < len(run.lines):
            best = (0, 0, 0)
            for r, offset in index.get(run.lines[i], ()):
                source = removed[r].lines
                n = 0
                while (
                    i + n < len(run.lines)
                    and offset + n < len(source)
                    and run.lines[i + n] == source[offset + n]
                ):
                    n += 1
                best = max(best, (n, r, offset))
            n, r, offset = best
            if n >= MIN_MOVED_LINES:
                src = removed[r]
                folds[(run.path, "+", run.start + i)] = (n, src.path, src.start + offset)
                folds[(src.path, "-", src.start + offset)] = (n, run.path, run.start + i)
                i += n
            else:
                i += 1
    if not folds:
        return None

    out: list[str] = []
    for change in fix.changes:
        a = (change.before or "").splitlines()
        b = (change.after or "").splitlines()
        out.append(f"--- {'a/' + change.path if change.before is not None else '/dev/null'}")
        out.append(f"+++ {'b/' + change.path if change.after is not None else '/dev/null'}")
        for op, i1, i2, j1, j2 in opcodes[change.path]:
            if op == "equal":
                continue
            out.append(f"@@ -{i1 + 1},{i2 - i1} +{j1 + 1},{j2 - j1} @@")
            out.extend(_folded_lines("-", change.path, a, i1, i2, folds, "to"))
            out.extend(_folded_lines("+", change.path, b, j1, j2, folds, "from"))
    return "\n".join(out) + "\n"


def _folded_lines(
    sign: str,
    path: str,
    lines: list[str],
    start: int,
    end: int,
    folds: dict[tuple[str, str, int], tuple[int, str, int]],
    direction: str,
) -> Iterator[str]:
    i = start
    while i < end:
        fold = folds.get((path, sign, i))
        if fold is None:
            yield sign + lines[i]
            i += 1
            continue
        count, other, other_start = fold
        yield f"{sign}… {count} lines moved verbatim {direction} {other}:{other_start + 1}-{other_start + count}"
        i += count

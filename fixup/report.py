"""Rendering a run: one reviewable block per fix (a ``git apply``-able unified diff), and
the machine-readable JSON form.

JSON schema (``--format json``), version 1::

    {
      "schema": 1, "fixup": "<version>", "root": "<abs path>",
      "roots": [{"path": "backend", "source": "entry script ..."}],
      "fixes": [{
          "fixer": "relative-imports", "title": "...", "explanation": "...",
          "safe": true, "applied": true,  # false: skipped, see "skipped_reason"
          "skipped_reason": null,
          "provenance": [{"description": "...", "commit": null, "path": null,
                          "date": null, "author": null, "subject": null}],
          "files": [{"path": "routers/a.py", "action": "modify", "renamed_from": null}],
          "diff": "diff --git a/routers/a.py b/routers/a.py\\n..."
      }],
      "diagnostics": [{"severity": "error", "path": "x.py", "line": 3,
                       "fixer": "relative-imports", "message": "..."}],
      "summary": {"fixes": 1, "files": 1, "skipped": 0, "errors": 0},
      "verification": {...}  # only with --verify: fixup.verify.Verification.to_json()
    }
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any, TextIO

from rich.console import Console
from rich.text import Text

from fixup import __version__
from fixup.fix import Fix, Report, changed_files
from fixup.project import Project
from fixup.textio import TextFormat, on_disk


def file_diff(path: str, before: str | None, after: str | None, fmt: TextFormat) -> str:
    """A git-style unified diff of one file (``/dev/null`` for a created or deleted file)."""
    old = on_disk(before, fmt).splitlines(keepends=True) if before is not None else []
    new = on_disk(after, fmt).splitlines(keepends=True) if after is not None else []
    header = [f"diff --git a/{path} b/{path}\n"]
    if before is None:
        header.append("new file mode 100644\n")
    elif after is None:
        header.append("deleted file mode 100644\n")
    lines = list(
        difflib.unified_diff(
            _mark_last_line(old),
            _mark_last_line(new),
            fromfile=f"a/{path}" if before is not None else "/dev/null",
            tofile=f"b/{path}" if after is not None else "/dev/null",
            n=3,
        )
    )
    if not lines:
        return ""
    return "".join(header + [_expand_marker(line) for line in lines])


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


def fix_diff(fix: Fix, project: Project) -> str:
    parts = []
    for change in fix.changes:
        fmt = (
            project.formats.get(change.path)
            or (project.formats.get(change.renamed_from) if change.renamed_from else None)
            or TextFormat()
        )
        parts.append(file_diff(change.path, change.before, change.after, fmt))
    return "".join(parts)


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
        yield fix, None, fix_diff(fix, report.before)
    for fix, reason in report.skipped:
        yield fix, reason, fix_diff(fix, report.before)


def print_text(report: Report, out: TextIO, *, color: bool, fold_moves: bool = False) -> None:
    """One block per fix: a ``#``-commented header, then its diff (``git apply`` skips the header).

    With ``fold_moves``, a fix that moves code shows the folded view instead (not a patch).
    """
    console = (
        Console(file=out, no_color=not color, highlight=False, soft_wrap=True) if color else None
    )
    for fix, reason, diff in iter_blocks(report):
        header = fix_header(fix, reason)
        folded = folded_diff(fix, report.before) if fold_moves else None
        if folded is not None:
            header.append("#   (verbatim moves folded: a view for review, not a patch)")
            diff = folded
        if console is None:
            out.write("\n".join(header) + "\n" + diff)
            continue
        for line in header:
            console.print(
                Text(
                    line,
                    style="bold yellow"
                    if line.startswith("# ") and not line.startswith("#   ")
                    else "dim",
                )
            )
        for line in diff.splitlines():
            console.print(Text(line, style=_diff_style(line)))


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


def to_json(report: Report, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The documented JSON form; ``extra`` adds top-level keys (``verification``)."""
    fixes = []
    for fix, reason, diff in iter_blocks(report):
        fixes.append(
            {
                "fixer": fix.fixer,
                "title": fix.title,
                "explanation": fix.explanation,
                "safe": fix.safe,
                "applied": reason is None,
                "skipped_reason": reason,
                "provenance": [asdict(p) for p in fix.provenance],
                "files": [
                    {"path": c.path, "action": c.action, "renamed_from": c.renamed_from}
                    for c in fix.changes
                ],
                "diff": diff,
            }
        )
    roots = report.before.roots
    return {
        "schema": 1,
        "fixup": __version__,
        "root": str(report.before.root),
        "roots": [{"path": p, "source": roots.sources.get(p)} for p in roots.paths],
        "fixes": fixes,
        "diagnostics": [
            {
                "severity": d.severity,
                "path": d.path,
                "line": d.line,
                "fixer": d.fixer,
                "message": d.message,
            }
            for d in report.diagnostics
        ],
        "summary": {
            "fixes": len(report.fixes),
            "files": len(changed_files(report.fixes)),
            "skipped": len(report.skipped),
            "errors": sum(d.severity == "error" for d in report.diagnostics),
        },
        **(extra or {}),
    }


def print_json(report: Report, out: TextIO, extra: Mapping[str, Any] | None = None) -> None:
    json.dump(to_json(report, extra), out, indent=2)
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

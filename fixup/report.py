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
from dataclasses import asdict
from typing import Any, TextIO

from rich.console import Console
from rich.text import Text

from fixup import __version__
from fixup.fix import Fix, changed_files
from fixup.pipeline import Report
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


def print_text(report: Report, out: TextIO, *, color: bool) -> None:
    """One block per fix: a ``#``-commented header, then its diff (``git apply`` skips the header)."""
    console = (
        Console(file=out, no_color=not color, highlight=False, soft_wrap=True) if color else None
    )
    for fix, reason, diff in iter_blocks(report):
        header = fix_header(fix, reason)
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

"""The formats CI reads: GitHub Actions workflow commands (annotations), SARIF 2.1.0 for code
scanning, and ``--statistics``.

Every fix and every diagnostic becomes one annotation or one SARIF result, at the place the
fix starts (``fixup.report.fix_location``) or the diagnostic names; paths are relative to the
git repository's root (the project folder outside git), as GitHub expects them.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from fixup import __version__
from fixup.fix import Diagnostic, Fix, Report
from fixup.project import Project
from fixup.report import (
    Location,
    diagnostic_location,
    fix_location,
    patch_path,
    split_lines,
)
from fixup.textio import on_disk

if TYPE_CHECKING:
    from fixup.fixers import Fixer

Level = Literal["error", "warning", "note"]

#: The pseudo-rule of diagnostics no fixer made: files fixup could not read or did not follow.
SKIPPED_FILE_RULE = "skipped-file"


def fix_level(*, skipped: bool, applied: bool, check: bool) -> Level:
    """How loud a fix is: written ("note"); pending where ``--check`` fails the run ("error");
    pending or skipped otherwise ("warning")."""
    if applied and not skipped:
        return "note"
    if check and not skipped:
        return "error"
    return "warning"


_DIAGNOSTIC_LEVELS: dict[str, Level] = {"error": "error", "warning": "warning", "info": "note"}


def _fixes(report: Report) -> Iterator[tuple[Fix, str | None]]:
    yield from ((fix, None) for fix in report.fixes)
    yield from report.skipped


def fix_message(fix: Fix, reason: str | None, applied: bool) -> str:
    state = "fixed" if applied and reason is None else "fix pending"
    if reason is not None:
        state = f"fix skipped: {reason}"
    lines = [f"{fix.title} ({state})", "", fix.explanation.strip()]
    lines += [f"provenance: {p.description}" for p in fix.provenance]
    return "\n".join(lines)


# -------------------------------------------------------------------- GitHub


def _escape_data(text: str) -> str:
    # actions/toolkit's escapeData: the message ends at the end of the line.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    # escapeProperty: ',' separates properties and ':' ends them.
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(
    level: Level, message: str, where: Location | None, project: Project, title: str
) -> str:
    props: list[tuple[str, str]] = []
    if where is not None:
        props += [
            ("file", patch_path(project, where.path)),
            ("line", str(where.line)),
            ("col", str(where.column)),
        ]
    props.append(("title", title))
    name = "notice" if level == "note" else level
    joined = ",".join(f"{key}={_escape_property(value)}" for key, value in props)
    return f"::{name} {joined}::{_escape_data(message)}"


def github_commands(
    report: Report, *, applied: bool, check: bool, verbose: bool = False
) -> list[str]:
    """One workflow command (``::error``, ``::warning``, ``::notice``) per fix and diagnostic.

    Informational diagnostics are left out unless ``verbose``, as in the text output: GitHub
    shows only the first few annotations of each level.
    """
    project = report.before
    lines = []
    for fix, reason in _fixes(report):
        level = fix_level(skipped=reason is not None, applied=applied, check=check)
        lines.append(
            _command(
                level,
                fix_message(fix, reason, applied),
                fix_location(fix),
                project,
                f"fixup {fix.fixer}",
            )
        )
    for d in report.diagnostics:
        if d.severity == "info" and not verbose:
            continue
        title = f"fixup {d.fixer}" if d.fixer else "fixup"
        lines.append(
            _command(
                _DIAGNOSTIC_LEVELS[d.severity], d.message, diagnostic_location(d), project, title
            )
        )
    return lines


# -------------------------------------------------------------------- SARIF

SARIF_VERSION = "2.1.0"
#: The OASIS schema the log declares (and the test validates against).
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_BASE = "%SRCROOT%"


def markdown_doc(text: str) -> str:
    """A docstring as plain Markdown: RST literals (````x````) become Markdown code (```x```);
    fenced code blocks are left as they are."""
    parts = re.split(r"(^```.*?^```[ \t]*$)", text, flags=re.M | re.S)
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"(?<!`)``(?!`)(.+?)(?<!`)``(?!`)", r"`\1`", parts[i], flags=re.S)
    return "".join(parts)


def _rule(fixer: Fixer) -> dict[str, Any]:
    doc = markdown_doc(fixer.doc.strip())
    first_paragraph = doc.split("\n\n", 1)[0]
    return {
        "id": fixer.name,
        "name": "".join(part.capitalize() for part in fixer.name.split("-")),
        "shortDescription": {"text": fixer.summary},
        "fullDescription": {"text": first_paragraph},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["maintainability"]},
    }


def _rules() -> list[dict[str, Any]]:
    from fixup.fixers import all_fixers  # only here: it loads every fixer

    rules = [_rule(fixer) for fixer in all_fixers()]
    rules.append(
        {
            "id": SKIPPED_FILE_RULE,
            "name": "SkippedFile",
            "shortDescription": {"text": "A file fixup could not read, or did not follow"},
            "fullDescription": {
                "text": "The file could not be decoded or read, or it is a symbolic link: "
                "fixup left it alone, and repairs that depend on it may be missing."
            },
            "defaultConfiguration": {"level": "error"},
        }
    )
    return rules


def _artifact(project: Project, path: str) -> dict[str, str]:
    return {"uri": quote(patch_path(project, path)), "uriBaseId": _BASE}


def _physical(project: Project, where: Location) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": _artifact(project, where.path),
            "region": {"startLine": where.line, "startColumn": where.column},
        }
    }


def _sarif_fix(fix: Fix, project: Project) -> dict[str, Any]:
    """The fix as SARIF replacements: character offsets into the file's text (code points,
    the file's own line endings, without a BOM)."""
    changes = []
    for change in fix.changes:
        fmt = project.formats.get(change.path)
        old = on_disk(change.before, fmt) if change.before is not None and fmt else change.before
        new = on_disk(change.after, fmt) if change.after is not None and fmt else change.after
        changes.append(
            {
                "artifactLocation": _artifact(project, change.path),
                "replacements": list(_replacements(old or "", new or "")),
            }
        )
    return {"description": {"text": fix.title}, "artifactChanges": changes}


def _replacements(old: str, new: str) -> Iterator[dict[str, Any]]:
    a, b = split_lines(old), split_lines(new)
    offsets = [0]
    for line in a:
        offsets.append(offsets[-1] + len(line))
    found = False
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if tag == "equal":
            continue
        found = True
        yield {
            "deletedRegion": {"charOffset": offsets[i1], "charLength": offsets[i2] - offsets[i1]},
            "insertedContent": {"text": "".join(b[j1:j2])},
        }
    if not found:  # SARIF wants at least one replacement per changed artifact
        yield {"deletedRegion": {"charOffset": 0, "charLength": 0}}


def sarif_run(
    report: Report, *, applied: bool, check: bool, category: str | None = None
) -> dict[str, Any]:
    """One SARIF ``run``: the fixers as rules, a result per fix and per diagnostic about a
    file; diagnostics about the whole project are the invocation's notifications."""
    project = report.before
    rules = _rules()
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = []
    for fix, reason in _fixes(report):
        where = fix_location(fix)
        result: dict[str, Any] = {
            "ruleId": fix.fixer,
            "level": fix_level(skipped=reason is not None, applied=applied, check=check),
            "message": {"text": fix_message(fix, reason, applied)},
            "locations": [_physical(project, where)] if where is not None else [],
            "properties": {
                "applied": applied and reason is None,
                "safe": fix.safe,
                "skippedReason": reason,
            },
        }
        if fix.fixer in index:
            result["ruleIndex"] = index[fix.fixer]
        if reason is None and not applied:
            result["fixes"] = [_sarif_fix(fix, project)]
        results.append(result)
    notifications = []
    for d in report.diagnostics:
        where = diagnostic_location(d)
        if where is None:
            notifications.append(_notification(d))
            continue
        rule = d.fixer if d.fixer in index else SKIPPED_FILE_RULE
        results.append(
            {
                "ruleId": rule,
                "ruleIndex": index[rule],
                "level": _DIAGNOSTIC_LEVELS[d.severity],
                "message": {"text": d.message},
                "locations": [_physical(project, where)],
            }
        )
    root = project.git.toplevel if project.git is not None else project.root
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "fixup",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": {_BASE: {"uri": _directory_uri(root)}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if category is not None:
        run["automationDetails"] = {"id": category}
    return run


def _notification(d: Diagnostic) -> dict[str, Any]:
    level = _DIAGNOSTIC_LEVELS[d.severity]
    return {"level": level, "message": {"text": str(d)}}


def _directory_uri(path: Path) -> str:
    uri = path.resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def sarif_log(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": runs}


# -------------------------------------------------------------------- --statistics

_KIND_ORDER = {"fix": 0, "skipped": 1, "error": 2, "warning": 3, "info": 4}


def statistics(report: Report) -> list[dict[str, Any]]:
    """Counts like ruff's ``--statistics``: fixes and skipped fixes per fixer, diagnostics per
    severity and fixer (``fixer`` is null for files fixup could not read); most frequent first
    within each kind."""
    counts: Counter[tuple[str, str | None]] = Counter()
    for fix in report.fixes:
        counts["fix", fix.fixer] += 1
    for fix, _ in report.skipped:
        counts["skipped", fix.fixer] += 1
    for d in report.diagnostics:
        counts[d.severity, d.fixer] += 1
    rows = sorted(counts.items(), key=lambda kv: (_KIND_ORDER[kv[0][0]], -kv[1], kv[0][1] or ""))
    return [{"kind": kind, "fixer": fixer, "count": n} for (kind, fixer), n in rows]


def statistics_text(rows: list[dict[str, Any]]) -> str:
    """One line a row: count, kind, fixer (``-`` for none)."""
    if not rows:
        return ""
    width = max(len(str(row["count"])) for row in rows)
    return "".join(
        f"{row['count']:>{width}}  {row['kind']:<7}  {row['fixer'] or '-'}\n" for row in rows
    )

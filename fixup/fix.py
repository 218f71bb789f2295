"""What fixers produce: fixes (reviewable units of change) and diagnostics (what they left alone)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class FileChange:
    """One file's text before and after a fix (paths are relative to the project root, POSIX)."""

    path: str
    #: The text before the fix; None when the fix creates the file.
    before: str | None
    #: The text after the fix; None when the fix deletes the file.
    after: str | None
    #: For a created file: the file it continues (git sees a rename), e.g. models.py -> models/auth.py.
    renamed_from: str | None = None

    @property
    def action(self) -> Literal["create", "modify", "delete"]:
        if self.before is None:
            return "create"
        if self.after is None:
            return "delete"
        return "modify"


@dataclass(frozen=True)
class Provenance:
    """Where a repair comes from, so a reviewer can check it (e.g. the commit a class is restored from)."""

    description: str
    commit: str | None = None
    path: str | None = None
    date: str | None = None
    author: str | None = None
    subject: str | None = None

    def __str__(self) -> str:
        return self.description


@dataclass(frozen=True)
class Fix:
    """One reviewable, all-or-nothing repair."""

    fixer: str
    title: str
    #: One paragraph: what was wrong and why this change repairs it.
    explanation: str
    changes: tuple[FileChange, ...]
    provenance: tuple[Provenance, ...] = ()
    #: False for a fix that could change behaviour; it is applied only with --unsafe-fixes.
    safe: bool = True

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(change.path for change in self.changes)


Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Diagnostic:
    """Something fixup found and did not (or could not) repair, with the reason."""

    message: str
    path: str | None = None
    line: int | None = None
    fixer: str | None = None
    severity: Severity = "warning"

    def __str__(self) -> str:
        where = self.path or ""
        if self.path and self.line:
            where += f":{self.line}"
        prefix = f"{where}: " if where else ""
        origin = f" [{self.fixer}]" if self.fixer else ""
        return f"{prefix}{self.message}{origin}"


@dataclass
class Plan:
    """A fixer's answer: the fixes it proposes and what it reports."""

    fixes: list[Fix] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def extend(self, other: Plan) -> None:
        self.fixes.extend(other.fixes)
        self.diagnostics.extend(other.diagnostics)


def changed_files(fixes: Sequence[Fix]) -> list[str]:
    """Every path the fixes touch, in first-touched order."""
    return list(dict.fromkeys(path for fix in fixes for path in fix.paths))

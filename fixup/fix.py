"""What fixers produce: fixes (reviewable units of change) and diagnostics (what they left
alone); and what a run produces from them, the ``Report`` every sink reads."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    from fixup.project import Project


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
    #: Top-level packages the project had and git history shows renamed away (``app`` after
    #: ``app/`` became ``service/``): the proof counts their imports as broken, not as
    #: imports of an installed package.
    renamed_away: frozenset[str] = frozenset()

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


#: What a fixer's ``plan`` yields, one at a time.
PlanItem: TypeAlias = Fix | Diagnostic


@dataclass
class Plan:
    """A fixer's answer, all at once: the fixes it proposes and what it reports.

    A fixer whose fixes are independent returns a ``Plan``; one whose later fixes build on
    earlier ones yields them one at a time instead (see ``fixup.fixers``). Iterating a plan
    gives its diagnostics, then its fixes, as the pipeline reads them.
    """

    fixes: list[Fix] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def extend(self, other: Plan) -> None:
        self.fixes.extend(other.fixes)
        self.diagnostics.extend(other.diagnostics)

    def __iter__(self) -> Iterator[PlanItem]:
        yield from self.diagnostics
        yield from self.fixes


@dataclass
class Report:
    """The outcome of a run, before anything is written: what every sink reads."""

    before: Project
    after: Project
    #: Fixes applied to ``after``, in pipeline order.
    fixes: list[Fix] = field(default_factory=list)
    #: Fixes not applied, with the reason (unsafe without opt-in, or stale).
    skipped: list[tuple[Fix, str]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.fixes)


def changed_files(fixes: Sequence[Fix]) -> list[str]:
    """Every path the fixes touch, in first-touched order."""
    return list(dict.fromkeys(path for fix in fixes for path in fix.paths))

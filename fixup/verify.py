"""``--verify CMD``: prove the fixes break nothing that worked, and drop the one that does.

CMD runs on a scratch copy of the project without the fixes (the baseline) and with them. If
something fails with the fixes that passed without them, the fixes are bisected: they are
ordered, each applies on top of the earlier ones, so "the first *k* fixes" is a project
version, and a binary search over *k* finds the fix that turns a passing version into a
failing one. That fix is dropped, with the reason; a later fix that no longer applies once
it is gone is dropped too (and says why); then the rest is checked again, until it passes or
nothing is left to drop.

``--verify imports`` uses ``fixup doctor``'s import check instead of a command: a module that
imported before the fixes and fails after them is what counts as broken.

The result is a ``Verification``: the kept and dropped fixes, the outcome without and with
the fixes, and renderings for the terminal (``lines()``), pull-request bodies
(``markdown()``) and JSON (``to_json()``). Nothing is written to the user's files. The
verification does not change fixup's exit status: the fixes it keeps are applied (or
committed) as usual, and what it found is printed and goes into the pull request.

One exception: a command that cannot run at all (the shell's exit 126 "not executable" or 127
"not found", without the fixes and with them) proves nothing, so ``verify`` raises
``BrokenCheckError`` (a configuration error: exit 2) and no fix is applied.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from fixup.config import ConfigError
from fixup.doctor import DEFAULT_TIMEOUT, ImportCheck, check_imports, is_mappers_key, repair_hint
from fixup.fix import Fix, Report
from fixup.project import ConflictError, Project
from fixup.sandbox import Interpreter, find_interpreter, run_shell, scratch_copy, scratch_env

#: Seconds a verification command may run on one version of the project.
COMMAND_TIMEOUT = 900.0

#: How much of a command's output is kept for the report.
_OUTPUT_TAIL = 4000

#: The shell's exit statuses for a command it could not run: not executable, not found.
_CANNOT_RUN = (126, 127)


class BrokenCheckError(ConfigError):
    """The ``--verify`` command cannot run, with or without the fixes: it proves nothing."""


@dataclass(frozen=True)
class Outcome:
    """One run of the check on one version of the project."""

    passed: bool
    #: What fails: module files for ``imports``, ``{"command"}`` for a command that fails.
    failing: frozenset[str]
    #: One line: "passes", "fails: exit 1: AssertionError", "3 modules failed to import".
    summary: str
    #: The end of the command's output (empty for ``imports``).
    output: str = ""
    #: The import check's details, for ``imports``.
    imports: ImportCheck | None = None
    #: False when the command could not be run at all (not found, not executable).
    ran: bool = True

    def regressed_from(self, baseline: Outcome) -> frozenset[str]:
        """What fails here that did not fail in ``baseline``."""
        return self.failing - baseline.failing


class Check(Protocol):
    """Something run on a version of the project: a command, or the import check."""

    @property
    def label(self) -> str:
        """How the user gave it, e.g. "pytest -x -q" or "imports"."""

    def run(self, project: Project, base: Project) -> Outcome:
        """Check ``project``, a version of ``base`` (the project before the fixes)."""
        ...


@dataclass(frozen=True)
class CommandCheck:
    """A shell command run in the scratch copy's root; it passes when it exits with 0."""

    label: str
    timeout: float = COMMAND_TIMEOUT

    def run(self, project: Project, base: Project) -> Outcome:
        with scratch_copy(project, base) as tree:
            result = run_shell(
                self.label, cwd=tree, env=scratch_env(tree, project), timeout=self.timeout
            )
        if result.error is not None:  # no shell, say
            return Outcome(False, frozenset({"command"}), f"cannot run: {result.error}", ran=False)
        output = _text(result.output)
        if result.returncode is None:
            return Outcome(
                False,
                frozenset({"command"}),
                f"fails: still running after {self.timeout:g}s",
                output,
            )
        if result.returncode == 0:
            return Outcome(True, frozenset(), "passes", output)
        last = next((line.strip() for line in reversed(output.splitlines()) if line.strip()), "")
        ran = result.returncode not in _CANNOT_RUN
        summary = f"{'fails' if ran else 'cannot run'}: exit {result.returncode}" + (
            f": {last}" if last else ""
        )
        return Outcome(False, frozenset({"command"}), summary, output, ran=ran)


@dataclass(frozen=True)
class ImportsCheck:
    """``fixup doctor``'s import check: every module of the project, in its own interpreter."""

    interpreter: Interpreter
    timeout: float = DEFAULT_TIMEOUT
    entries: tuple[str, ...] = ()
    label: str = "imports"

    def run(self, project: Project, base: Project) -> Outcome:
        with scratch_copy(project, base) as tree:
            checked = check_imports(
                project, tree, self.interpreter, timeout=self.timeout, entries=self.entries
            )
        failing = frozenset(checked.failures)
        if not failing:
            return Outcome(True, failing, "every module imports", imports=checked)
        count = checked.failed_modules()
        summary = f"{count} module{'s' * (count != 1)} failed to import"
        if any(is_mappers_key(key) for key in failing):
            summary += (
                " and configure_mappers() failed" if count else "; configure_mappers() failed"
            )
        return Outcome(False, failing, summary, imports=checked)


def make_check(command: str) -> Check:
    """``--verify CMD``: ``imports`` is the doctor's import check, anything else a shell command."""
    if command.strip() == "imports":
        return ImportsCheck(find_interpreter())
    return CommandCheck(command)


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return text[-_OUTPUT_TAIL:]


@dataclass(frozen=True)
class DroppedFix:
    """A fix left out because it broke what worked (or no longer applied once another was left out)."""

    fix: Fix
    reason: str


@dataclass(frozen=True)
class Verification:
    """What ``--verify`` found: the data a pull-request body or the terminal renders."""

    #: The command as given ("imports" for the import check).
    command: str
    #: The check on the project without any fix.
    baseline: Outcome
    #: The check on the project with the kept fixes.
    final: Outcome
    #: The fixes that stay, in pipeline order.
    kept: tuple[Fix, ...]
    dropped: tuple[DroppedFix, ...]
    #: How many times the check ran.
    runs: int
    #: The run's report with the dropped fixes moved to ``skipped`` (reason "dropped by --verify: ...").
    report: Report = field(repr=False)

    @property
    def passed(self) -> bool:
        """True when the check passes with the kept fixes."""
        return self.final.passed

    @property
    def status(self) -> str:
        """ "passed", "failed" (fails with and without the fixes), or "passed-after-dropping"."""
        if not self.final.passed:
            return "failed"
        return "passed-after-dropping" if self.dropped else "passed"

    def _subject(self) -> str:
        return "the import check" if self.command == "imports" else f"`{self.command}`"

    def lines(self, *, include_dropped: bool = True) -> list[str]:
        """A short account for the terminal (the CLI lists dropped fixes with the skipped ones)."""
        subject = self._subject()
        kept = len(self.kept)
        lines = [
            f"verify {subject}: without the fixes: {self.baseline.summary}; "
            f"with {kept} fix{'es' * (kept != 1)}: {self.final.summary}"
        ]
        for dropped in self.dropped if include_dropped else ():
            lines.append(f"dropped [{dropped.fix.fixer}] {dropped.fix.title}: {dropped.reason}")
        if not self.final.passed:
            lines.append(f"{subject} still fails with the fixes that were kept")
            still = self.final.imports.failures if self.final.imports is not None else {}
            for key, failure in sorted(still.items())[:10]:
                where = f" ({failure.location})" if failure.location else ""
                lines.append(f"  {key}: {failure.summary}{where} [{repair_hint(failure)}]")
            if len(still) > 10:
                lines.append(f"  and {len(still) - 10} more; `fixup doctor` lists them all")
        return lines

    def markdown(self) -> str:
        """A pull-request body section."""
        kept = len(self.kept)
        subject = (
            "import check (`fixup doctor`)" if self.command == "imports" else f"`{self.command}`"
        )
        icon = "passed" if self.final.passed else "failed"
        out = [
            f"### Verification: {subject} {icon}",
            "",
            "| project | result |",
            "| --- | --- |",
            f"| without the fixes | {_cell(self.baseline.summary)} |",
            f"| with the {kept} applied fix{'es' * (kept != 1)} | {_cell(self.final.summary)} |",
        ]
        if self.dropped:
            out += ["", f"Dropped {len(self.dropped)} fix{'es' * (len(self.dropped) != 1)}:", ""]
            out += [f"- **{d.fix.fixer}**: {d.fix.title}: {d.reason}" for d in self.dropped]
        still = self.final.imports.failures if self.final.imports is not None else {}
        if still:
            out += ["", "Still failing to import:", ""]
            out += [
                f"- `{key}`: {failure.summary}"
                + (f" ({failure.location})" if failure.location else "")
                for key, failure in sorted(still.items())
            ]
        elif not self.final.passed and self.final.output.strip():
            tail = "\n".join(self.final.output.rstrip().splitlines()[-30:])
            out += [
                "",
                "<details><summary>Output</summary>",
                "",
                "```",
                tail,
                "```",
                "",
                "</details>",
            ]
        return "\n".join(out) + "\n"

    def to_json(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "status": self.status,
            "baseline": {"passed": self.baseline.passed, "summary": self.baseline.summary},
            "final": {"passed": self.final.passed, "summary": self.final.summary},
            "kept": [{"fixer": f.fixer, "title": f.title} for f in self.kept],
            "dropped": [
                {"fixer": d.fix.fixer, "title": d.fix.title, "reason": d.reason}
                for d in self.dropped
            ],
            "runs": self.runs,
        }


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def build(base: Project, fixes: Sequence[Fix]) -> tuple[Project, list[tuple[Fix, str]]]:
    """``base`` with ``fixes`` applied in order; the fixes that no longer apply, with the reason."""
    project = base
    conflicts: list[tuple[Fix, str]] = []
    for fix in fixes:
        try:
            project = project.apply(fix)
        except ConflictError as exc:
            conflicts.append((fix, str(exc)))
    return project, conflicts


def verify(
    report: Report, check: Check, *, on_step: Callable[[str], None] | None = None
) -> Verification:
    """Run ``check`` without and with ``report``'s fixes; bisect and drop the fixes that break it."""

    def step(message: str) -> None:
        if on_step is not None:
            on_step(message)

    runs = 0

    def run(project: Project) -> Outcome:
        nonlocal runs
        runs += 1
        return check.run(project, report.before)

    step(f"verify: running {check.label} without the fixes")
    baseline = run(report.before)
    if not baseline.ran:
        step(f"verify: running {check.label} with the fixes")
        with_fixes = run(build(report.before, report.fixes)[0])
        if not with_fixes.ran:
            raise BrokenCheckError(
                f"--verify: `{check.label}` {baseline.summary} (without the fixes and with them): "
                "the check is broken, not the fixes; nothing was applied. Run the command in the "
                "project's folder to see why."
            )
    active = list(report.fixes)
    dropped: list[DroppedFix] = []
    #: The first ``good`` active fixes are known not to break anything.
    good = 0
    while True:
        project, conflicts = build(report.before, active)
        for fix, why in conflicts:
            culprit = dropped[-1].fix if dropped else None
            once = f" once [{culprit.fixer}] {culprit.title} is dropped" if culprit else ""
            dropped.append(DroppedFix(fix, f"no longer applies{once}: {why}"))
            active.remove(fix)
        if not active:
            final = baseline
            break
        step(f"verify: running {check.label} with {len(active)} fix{'es' * (len(active) != 1)}")
        outcome = run(project)
        if not outcome.regressed_from(baseline):
            final = outcome
            break
        # Invariant: the first ``low`` fixes pass, the first ``high`` fixes break something.
        low, high, breaking = good, len(active), outcome
        while high - low > 1:
            middle = (low + high) // 2
            step(f"verify: bisecting: the first {middle} of {len(active)} fixes")
            trial = run(build(report.before, active[:middle])[0])
            if trial.regressed_from(baseline):
                high, breaking = middle, trial
            else:
                low = middle
        culprit = active.pop(high - 1)
        dropped.append(DroppedFix(culprit, _why(check, baseline, breaking)))
        step(f"verify: dropping [{culprit.fixer}] {culprit.title}")
        good = high - 1

    kept = tuple(active)
    after, _ = build(report.before, kept)
    filtered = Report(
        before=report.before,
        after=after,
        fixes=list(kept),
        skipped=[*report.skipped, *((d.fix, f"dropped by --verify: {d.reason}") for d in dropped)],
        diagnostics=list(report.diagnostics),
    )
    return Verification(check.label, baseline, final, kept, tuple(dropped), runs, filtered)


def _why(check: Check, baseline: Outcome, breaking: Outcome) -> str:
    """Why a fix was dropped: what it breaks that worked without the fixes."""
    if breaking.imports is None:
        return f"with it, `{check.label}` {breaking.summary}; without the fixes it passes"
    broken = sorted(breaking.regressed_from(baseline))
    failures = breaking.imports.failures
    first = failures[broken[0]]
    where = f" ({first.location})" if first.location else ""
    names = ", ".join(broken[:5]) + (f" and {len(broken) - 5} more" if len(broken) > 5 else "")
    return f"with it, {names} no longer import{'s' * (len(broken) == 1)}: {first.summary}{where}"

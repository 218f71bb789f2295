"""``--verify``: a harmful fix (from a test-only fixer) is found by bisection and dropped."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from fixup.config import Config
from fixup.fix import FileChange, Fix, Plan
from fixup.fixers import Fixer, FixerContext, get_fixer
from fixup.pipeline import Report, run
from fixup.project import Project
from fixup.sandbox import find_interpreter
from fixup.verify import BrokenCheckError, CommandCheck, ImportsCheck, Verification, verify
from tests.golden import run_cli, tree
from tests.test_doctor import SEED_001, make_repo

DB = "backend/services/database_services.py"


def plan_harmful(ctx: FixerContext) -> Plan:
    """Two fixes: a harmless one (a new module), then one that breaks a module that imported."""
    text = ctx.project.files[DB]
    return Plan(
        fixes=[
            Fix(
                "harmful",
                "Add a notes module",
                "Harmless.",
                (FileChange("backend/notes.py", None, "NOTES = []\n"),),
            ),
            Fix(
                "harmful",
                "Break the database service",
                "Harmful.",
                (FileChange(DB, text, text + "raise RuntimeError('broken by a fix')\n"),),
            ),
        ]
    )


def plan_follow_up(ctx: FixerContext) -> Plan:
    """A later fix planned on top of the harmful one: it cannot apply once that is dropped."""
    text = ctx.project.files[DB]
    return Plan(
        fixes=[
            Fix(
                "follow-up",
                "Annotate the service",
                "Planned on top.",
                (FileChange(DB, text, "# reviewed\n" + text),),
            )
        ]
    )


HARMFUL = Fixer(name="harmful", order=90, doc="Test only.", options={}, plan=plan_harmful)
FOLLOW_UP = Fixer(name="follow-up", order=95, doc="Test only.", options={}, plan=plan_follow_up)


def seed_report(tmp_path: Path) -> Report:
    root = make_repo(tmp_path / "wit", SEED_001)
    project = Project.load(root, Config())
    return run(
        project, [get_fixer("relative-imports"), HARMFUL, FOLLOW_UP], Config(), use_cache=False
    )


def titles(fixes: tuple[Fix, ...] | list[Fix]) -> list[str]:
    return [f"{fix.fixer}: {fix.title}" for fix in fixes]


def assert_harmful_dropped(result: Verification, report: Report) -> None:
    relative = [f for f in report.fixes if f.fixer == "relative-imports"]
    assert len(relative) == 3
    assert titles(result.kept) == titles([*relative, report.fixes[3]])
    assert titles([d.fix for d in result.dropped]) == [
        "harmful: Break the database service",
        "follow-up: Annotate the service",
    ]
    assert (
        "no longer applies once [harmful] Break the database service is dropped"
        in result.dropped[1].reason
    )
    assert result.final.passed
    assert result.status == "passed-after-dropping"
    # The filtered report: what the sinks write and the PR shows.
    assert titles(result.report.fixes) == titles(result.kept)
    assert result.report.after.files[DB] == report.before.files[DB]
    assert "backend/notes.py" in result.report.after.files
    skipped = {fix.title: reason for fix, reason in result.report.skipped}
    assert skipped["Break the database service"].startswith("dropped by --verify: with it,")


def test_imports_check_drops_the_harmful_fix_and_keeps_the_others(tmp_path: Path) -> None:
    report = seed_report(tmp_path)
    assert titles(report.fixes)[-3:] == [
        "harmful: Add a notes module",
        "harmful: Break the database service",
        "follow-up: Annotate the service",
    ]
    steps: list[str] = []

    result = verify(report, ImportsCheck(find_interpreter(sys.executable)), on_step=steps.append)

    assert_harmful_dropped(result, report)
    assert result.dropped[0].reason == (
        "with it, backend/services/database_services.py no longer imports: "
        "RuntimeError: broken by a fix (backend/services/database_services.py:3)"
    )
    assert not result.baseline.passed  # the relative imports are broken before the fixes
    assert result.final.summary == "every module imports"
    assert any(step.startswith("verify: bisecting") for step in steps)


def test_command_check_drops_the_harmful_fix(tmp_path: Path) -> None:
    report = seed_report(tmp_path)
    command = f"cd backend && {shlex.quote(sys.executable)} -c 'import services.database_services'"

    result = verify(report, CommandCheck(command))

    assert_harmful_dropped(result, report)
    assert result.baseline.passed
    assert result.dropped[0].reason.startswith(
        f"with it, `{command}` fails: exit 1: RuntimeError: broken by a fix"
    )
    assert result.dropped[0].reason.endswith("; without the fixes it passes")


def test_nothing_dropped_when_nothing_breaks(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "wit", SEED_001)
    report = run(
        Project.load(root, Config()), [get_fixer("relative-imports")], Config(), use_cache=False
    )

    result = verify(
        report, CommandCheck(f"cd backend && {shlex.quote(sys.executable)} dev_server.py")
    )

    assert result.dropped == ()
    assert titles(result.kept) == titles(report.fixes)
    assert result.runs == 2  # without and with the fixes, no bisection
    assert not result.baseline.passed and result.final.passed
    assert result.status == "passed"


def test_a_command_that_fails_either_way_drops_nothing(tmp_path: Path) -> None:
    report = seed_report(tmp_path)

    result = verify(report, CommandCheck("exit 7"))

    assert result.dropped == ()
    assert len(result.kept) == len(report.fixes)
    assert result.status == "failed"
    assert result.final.summary == "fails: exit 7"
    assert "`exit 7` still fails with the fixes that were kept" in result.lines()


def test_markdown_for_the_pull_request(tmp_path: Path) -> None:
    report = seed_report(tmp_path)

    result = verify(report, ImportsCheck(find_interpreter(sys.executable)))
    body = result.markdown()

    assert body.startswith("### Verification: import check (`fixup doctor`) passed\n")
    assert "| without the fixes | 4 modules failed to import |" in body
    assert "| with the 4 applied fixes | every module imports |" in body
    assert (
        "- **harmful**: Break the database service: with it, backend/services/database_services.py no longer imports"
        in body
    )
    data = result.to_json()
    assert data["status"] == "passed-after-dropping"
    assert [d["title"] for d in data["dropped"]] == [
        "Break the database service",
        "Annotate the service",
    ]


def test_cli_verify_imports_applies_the_verified_fixes(tmp_path: Path) -> None:
    project = make_repo(tmp_path / "wit", SEED_001)

    code, _, stderr = run_cli("--verify", "imports", "--no-cache", str(project))

    assert code == 0, stderr
    assert (
        "verify the import check: without the fixes: 4 modules failed to import; with 3 fixes: every module imports"
        in stderr
    )
    assert (
        "from services.database_services import get_session"
        in (project / "backend/routers/projects.py").read_text()
    )


def test_cli_verify_command_with_dry_run_writes_nothing(tmp_path: Path) -> None:
    project = make_repo(tmp_path / "wit", SEED_001)
    before = tree(project)

    code, stdout, stderr = run_cli("--dry-run", "--verify", "exit 3", "--no-cache", str(project))

    assert code == 0, stderr
    assert (
        "verify `exit 3`: without the fixes: fails: exit 3; with 3 fixes: fails: exit 3" in stderr
    )
    assert "+from services.database_services import get_session" in stdout
    assert tree(project) == before


def test_cli_json_output_carries_the_verification(tmp_path: Path) -> None:
    project = make_repo(tmp_path / "wit", SEED_001)

    code, stdout, stderr = run_cli(
        "--dry-run", "--format", "json", "--verify", "exit 3", "--no-cache", str(project)
    )

    assert code == 0, stderr
    data = json.loads(stdout)
    assert data["verification"]["command"] == "exit 3"
    assert data["summary"]["fixes"] == 3


def test_cli_verify_with_a_command_that_cannot_run_applies_nothing(tmp_path: Path) -> None:
    project = make_repo(tmp_path / "wit", SEED_001)
    before = tree(project)

    code, stdout, stderr = run_cli(
        "--verify", "no-such-command-here -x", "--no-cache", str(project)
    )

    assert code == 2, stderr
    assert "fixup: error: --verify: `no-such-command-here -x` cannot run: exit 127: " in stderr
    assert "not found" in stderr
    assert "the check is broken, not the fixes; nothing was applied" in stderr
    assert stdout == ""
    assert tree(project) == before


def test_a_command_that_cannot_run_without_the_fixes_but_runs_with_them_is_a_verdict(
    tmp_path: Path,
) -> None:
    # The fixes create backend/notes.py; a check that needs it cannot run before them.
    report = seed_report(tmp_path)

    result = verify(report, CommandCheck("test -f backend/notes.py || exit 127"))

    assert not result.baseline.ran
    assert result.baseline.summary == "cannot run: exit 127"
    assert result.final.passed
    assert titles(result.kept) == titles(report.fixes)


def test_a_command_that_is_not_executable_cannot_run(tmp_path: Path) -> None:
    report = seed_report(tmp_path)
    script = tmp_path / "check.sh"
    script.write_text("#!/bin/sh\nexit 0\n")  # no execute permission

    with pytest.raises(BrokenCheckError, match="cannot run: exit 126"):
        verify(report, CommandCheck(shlex.quote(str(script))))

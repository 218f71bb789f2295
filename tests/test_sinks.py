"""The sinks: one is chosen per run, in one place, and says what it did."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from fixup.branch import BranchOptions, BranchRun, BranchSink
from fixup.cli import _choose_sink
from fixup.fix import FileChange, Fix, Report
from fixup.git import find_repo
from fixup.project import Project
from fixup.sinks import Preview, RefusedError, WorkingTree
from tests.golden import git


def report_with_one_fix(root: Path) -> Report:
    (root / "app.py").write_text("x = 1\n")
    project = Project.from_files(root, {"app.py": "x = 1\n"})
    fix = Fix("test", "Set x to 2", "x must be 2.", (FileChange("app.py", "x = 1\n", "x = 2\n"),))
    return Report(before=project, after=project.apply(fix), fixes=[fix])


def deliver(sink: Preview | WorkingTree, report: Report) -> tuple[int, str, list[bool]]:
    """(exit status, what it said, what it told ``emit``: whether the fixes were applied)."""
    err = io.StringIO()
    emitted: list[bool] = []
    code = sink.deliver(report, Console(file=err, width=200), quiet=False, emit=emitted.append)
    return code, err.getvalue(), emitted


def test_check_and_dry_run_preview_and_write_nothing(tmp_path: Path) -> None:
    report = report_with_one_fix(tmp_path)
    assert _choose_sink(False, True, "text", False, None) == Preview(check=True, printed=False)
    assert _choose_sink(True, False, "text", False, None) == Preview(check=False, printed=True)
    code, said, emitted = deliver(Preview(check=True, printed=False), report)
    assert code == 1 and emitted == [False]
    assert "1 fix pending in 1 file; preview them with --dry-run" in said
    assert deliver(Preview(check=False, printed=True), report)[0] == 0
    assert (tmp_path / "app.py").read_text() == "x = 1\n"


def test_the_default_writes_the_working_tree(tmp_path: Path) -> None:
    report = report_with_one_fix(tmp_path)
    sink = _choose_sink(False, False, "text", True, None)
    assert sink == WorkingTree(allow_dirty=True)
    code, said, emitted = deliver(sink, report)
    assert code == 0 and emitted == [True] and "Applied 1 fix to 1 file." in said
    assert (tmp_path / "app.py").read_text() == "x = 2\n"


def test_a_refused_write_is_emitted_as_not_applied(tmp_path: Path) -> None:
    report = report_with_one_fix(tmp_path)
    (tmp_path / "app.py").write_text("x = 3\n")  # changed while fixup ran
    emitted: list[bool] = []
    with pytest.raises(RefusedError, match="changed on disk"):
        WorkingTree().deliver(report, Console(file=io.StringIO()), quiet=False, emit=emitted.append)
    assert emitted == [False]
    assert (tmp_path / "app.py").read_text() == "x = 3\n"


def test_branch_goes_to_the_branch_sink(repo: Path) -> None:
    git(repo, "commit", "-q", "--allow-empty", "-m", "Start")
    found = find_repo(repo)
    assert found is not None
    run = BranchRun(BranchOptions("fixup/auto"), found, "0" * 40, "HEAD", "main", dirty=False)
    assert _choose_sink(False, False, "text", False, run) == BranchSink(run)

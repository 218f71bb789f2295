"""Every golden case of every fixer, through the real CLI on a real git repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.golden import UPDATE, Case, build_project, collect, import_modules, run_cli, tree

CASES = collect()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_golden(case: Case, tmp_path: Path) -> None:
    project = build_project(case, tmp_path)
    before = tree(project)

    if case.imports and case.imports_fail_before:
        result = import_modules(case, project)
        assert result.returncode != 0, (
            f"the broken project already imports: {case.id} proves nothing"
        )

    # Preview: prints the diffs, writes nothing.
    code, stdout, stderr = run_cli(*case.args, "--dry-run", "--no-cache", str(project))
    assert code == case.exit_code, stderr
    assert tree(project) == before, "--dry-run wrote to the tree"
    expected_diff = case.path / "expected.diff"
    if UPDATE:
        if stdout:
            expected_diff.write_text(stdout)
        else:
            expected_diff.unlink(missing_ok=True)
    elif expected_diff.exists():
        assert stdout == expected_diff.read_text()

    # Apply.
    code, _, stderr = run_cli(*case.args, "--no-cache", str(project))
    assert code == case.exit_code, stderr
    for needle in case.stderr:
        assert needle in stderr, f"{needle!r} not in stderr:\n{stderr}"
    for needle in case.stderr_absent:
        assert needle not in stderr, f"{needle!r} in stderr:\n{stderr}"
    actual = tree(project)
    if UPDATE:
        after = case.path / "after"
        if actual == tree(case.path / "before"):
            shutil.rmtree(after, ignore_errors=True)
        else:
            shutil.rmtree(after, ignore_errors=True)
            shutil.copytree(project, after, ignore=shutil.ignore_patterns(".git", "__pycache__"))
    else:
        assert actual == tree(case.after)

    # Stable: a second run finds nothing more to do.
    if case.check_stable:
        code, stdout, stderr = run_cli(*case.args, "--check", "--no-cache", str(project))
        # exit_code 1: errors that stay; a pending fix would say so.
        assert code == case.exit_code and "pending" not in stderr, (
            f"second run still has fixes:\n{stderr}"
        )
        assert tree(project) == actual

    # The repaired app starts.
    if case.imports:
        result = import_modules(case, project)
        assert result.returncode == 0, result.stderr

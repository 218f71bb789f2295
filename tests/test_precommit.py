"""The pre-commit hooks, run by a real ``pre-commit try-repo`` on a real git repository.

pre-commit installs the hooks' environment from this checkout (pip builds fixup and fetches
its dependencies) on every try-repo run, so there are two.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.golden import GIT_ENV, git, run_cli

CHECKOUT = Path(__file__).resolve().parent.parent

needs_pre_commit = pytest.mark.skipif(
    importlib.util.find_spec("pre_commit") is None, reason="pre-commit is not installed"
)

#: ``python dev_server.py`` from backend/: the router reaches "beyond" with ``..``.
BROKEN = {
    "backend/dev_server.py": "from routers import items\n",
    "backend/routers/__init__.py": "",
    "backend/routers/items.py": "from ..services.db import session  # the one session\n",
    "backend/services/__init__.py": "",
    "backend/services/db.py": "session = object()\n",
}
BROKEN_LINE = "from ..services.db import session  # the one session\n"
FIXED_LINE = "from services.db import session  # the one session\n"


@pytest.fixture
def project(repo: Path) -> Path:
    for rel, text in BROKEN.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Broken")
    return repo


def try_repo(project: Path, *hook: str) -> subprocess.CompletedProcess[str]:
    """``pre-commit try-repo CHECKOUT [HOOK] --all-files`` in ``project`` (every hook of
    .pre-commit-hooks.yaml, in id order, without HOOK). try-repo installs the hooks'
    environment afresh each time, so the tests call it as few times as they can."""
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_COLOR": "never"}
    env.pop("PRE_COMMIT", None)
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(CHECKOUT), *hook, "--all-files"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def hook_output(output: str, name: str) -> str:
    """One hook's part of pre-commit's output: from its status line to the next one."""
    part = output[output.index(f"\n{name}...") + 1 :]
    following = re.search(r"\n\S[^\n]*\.\.\.\.(Passed|Failed|Skipped)", part)
    return part[: following.start()] if following else part


@needs_pre_commit
def test_fixup_hook_applies_shows_the_diff_and_fails_then_the_check_passes(
    project: Path,
) -> None:
    # What `git commit` hands the hooks: a change in the index, not yet committed.
    db = project / "backend/services/db.py"
    db.write_text("session = object()\nengine = None\n")
    git(project, "add", "-A")
    items = project / "backend/routers/items.py"

    result = try_repo(project)  # both hooks: fixup, then fixup-check

    output = result.stdout
    assert result.returncode == 1, output + result.stderr
    fixing = hook_output(output, "fixup")
    assert fixing.startswith("fixup" + "." * 10), fixing
    assert "Failed\n- hook id: fixup\n- exit code: 1\n- files were modified by this hook" in fixing
    # The diff of what it applied.
    assert "diff --git a/backend/routers/items.py b/backend/routers/items.py" in fixing
    assert f"-{BROKEN_LINE}" in fixing
    assert f"+{FIXED_LINE}" in fixing
    assert "Applied 1 fix to 1 file." in fixing
    assert items.read_text() == FIXED_LINE
    assert db.read_text() == "session = object()\nengine = None\n"
    # The check hook runs after it, on the fixed tree, and passes.
    checking = hook_output(output, "fixup (check)")
    assert checking.rstrip().endswith("Passed"), checking


@needs_pre_commit
def test_fixup_check_hook_fails_writes_nothing_and_names_the_fixing_hook(project: Path) -> None:
    result = try_repo(project, "fixup-check")

    assert result.returncode == 1, result.stdout + result.stderr
    assert (project / "backend/routers/items.py").read_text() == BROKEN_LINE
    assert git(project, "status", "--porcelain") == ""
    checking = hook_output(result.stdout, "fixup (check)")
    assert "Failed\n- hook id: fixup-check\n- exit code: 1" in checking
    assert "1 fix pending in 1 file" in checking
    # Not "run fixup": that command lives in pre-commit's private virtualenv.
    assert "pre-commit run fixup --all-files" in checking
    assert "run fixup without" not in checking


# ---------------------------------------------------------------------------- the flag the hook uses


def test_exit_non_zero_on_fix_prints_the_diff_and_exits_1_when_files_changed(
    project: Path,
) -> None:
    code, stdout, stderr = run_cli("--exit-non-zero-on-fix", "--no-color", str(project))
    assert code == 1, stderr
    assert (project / "backend/routers/items.py").read_text() == FIXED_LINE
    assert "diff --git a/backend/routers/items.py b/backend/routers/items.py" in stdout
    assert f"+{FIXED_LINE}" in stdout
    assert "Applied 1 fix to 1 file." in stderr

    git(project, "commit", "-qam", "Apply fixup")
    assert run_cli("--exit-non-zero-on-fix", str(project)) == (0, "", "Nothing to fix.\n")


def test_check_message_names_the_hook_under_pre_commit(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    assert "run fixup without --dry-run/--check to apply" in run_cli("--check", str(project))[2]
    monkeypatch.setenv("PRE_COMMIT", "1")  # as pre-commit sets it for its hooks
    stderr = run_cli("--check", str(project))[2]
    assert "apply them with the fixup hook: pre-commit run fixup --all-files" in stderr

"""The pre-commit hooks, run by a real ``pre-commit try-repo`` on a real git repository.

pre-commit installs the hooks' environment from this checkout (pip builds fixup and fetches
its dependencies), once per test session.
"""

from __future__ import annotations

import importlib.util
import os
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


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's cache (the hooks' virtualenv), shared by this module's tests."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def project(repo: Path) -> Path:
    for rel, text in BROKEN.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Broken")
    return repo


def try_repo(project: Path, home: Path, hook: str) -> subprocess.CompletedProcess[str]:
    """``pre-commit try-repo CHECKOUT HOOK --all-files`` in ``project``."""
    if not (CHECKOUT / ".git").exists():
        pytest.skip("fixup is not run from a git checkout")
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("PRE_COMMIT", None)
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(CHECKOUT), hook, "--all-files"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@needs_pre_commit
def test_fixup_hook_applies_shows_the_diff_and_fails_when_it_changed_files(
    project: Path, pre_commit_home: Path
) -> None:
    items = project / "backend/routers/items.py"

    result = try_repo(project, pre_commit_home, "fixup")

    assert result.returncode == 1, result.stdout + result.stderr
    assert items.read_text() == FIXED_LINE
    # The diff of what it applied, in pre-commit's output.
    assert f"-{BROKEN_LINE}" in result.stdout
    assert f"+{FIXED_LINE}" in result.stdout
    assert "Applied 1 fix to 1 file." in result.stdout
    assert "- files were modified by this hook" in result.stdout

    # Once the fix is in, the hook passes and changes nothing.
    git(project, "commit", "-qam", "Apply fixup")
    result = try_repo(project, pre_commit_home, "fixup")
    assert result.returncode == 0, result.stdout + result.stderr
    assert git(project, "status", "--porcelain") == ""


@needs_pre_commit
def test_fixup_hook_fixes_a_staged_but_uncommitted_change(
    project: Path, pre_commit_home: Path
) -> None:
    # What `git commit` hands the hook: changes in the index, not yet committed.
    db = project / "backend/services/db.py"
    db.write_text("session = object()\nengine = None\n")
    git(project, "add", "-A")

    result = try_repo(project, pre_commit_home, "fixup")

    assert result.returncode == 1, result.stdout + result.stderr
    assert (project / "backend/routers/items.py").read_text() == FIXED_LINE
    assert db.read_text() == "session = object()\nengine = None\n"


@needs_pre_commit
def test_fixup_check_hook_fails_writes_nothing_and_names_the_fixing_hook(
    project: Path, pre_commit_home: Path
) -> None:
    result = try_repo(project, pre_commit_home, "fixup-check")

    assert result.returncode == 1, result.stdout + result.stderr
    assert (project / "backend/routers/items.py").read_text() == BROKEN_LINE
    assert git(project, "status", "--porcelain") == ""
    assert "1 fix pending in 1 file" in result.stdout
    # Not "run fixup": that command lives in pre-commit's private virtualenv.
    assert "pre-commit run fixup --all-files" in result.stdout
    assert "run fixup without" not in result.stdout


@needs_pre_commit
def test_fixup_check_hook_passes_on_a_healthy_project(repo: Path, pre_commit_home: Path) -> None:
    (repo / "app").mkdir()
    (repo / "app/__init__.py").write_text("")
    (repo / "app/main.py").write_text("from app import models\n")
    (repo / "app/models.py").write_text("")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Healthy")

    result = try_repo(repo, pre_commit_home, "fixup-check")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


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

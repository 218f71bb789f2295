"""``fixup --branch NAME``: one commit per fixer on a branch, built without touching the user's
working tree, index or current branch. Real git repositories; the branch is inspected with git."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from fixup.branch import (
    BranchOptions,
    BranchRun,
    commit_fixes,
    is_fixup_commit,
    load_base,
    prepare,
    trailers,
)
from fixup.config import Config
from fixup.fix import FileChange, Fix, Provenance
from fixup.git import commits_between
from fixup.pipeline import Report
from tests.golden import run_cli

BROKEN_ROUTER = (
    "from ..services.db import get_session  # shared\n\n\ndef route():\n    return get_session()\n"
)
FIXED_ROUTER = "from app.services.db import get_session  # shared\n\n\ndef route():\n    return get_session()\n"


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch) -> None:
    # The user's own git configuration (identity, hooks, signing) must not leak into tests.
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
    ):
        monkeypatch.delenv(name, raising=False)


def sh(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)


def commit_all(root: Path, message: str) -> str:
    sh(root, "add", "-A")
    sh(root, "commit", "-q", "-m", message)
    return sh(root, "rev-parse", "HEAD").strip()


def make_project(root: Path, files: dict[str, str | bytes] | None = None) -> Path:
    """A committed backend whose router reaches beyond its package (seed 001's break)."""
    root.mkdir(parents=True, exist_ok=True)
    sh(root, "init", "-q", "-b", "main")
    sh(root, "config", "user.name", "Dev Person")
    sh(root, "config", "user.email", "dev@example.com")
    write(
        root,
        files
        or {
            "app/__init__.py": "",
            "app/routers/__init__.py": "",
            "app/routers/projects.py": BROKEN_ROUTER,
            "app/services/__init__.py": "",
            "app/services/db.py": "def get_session():\n    return 1\n",
        },
    )
    commit_all(root, "Initial backend")
    return root


def snapshot(root: Path) -> dict[str, object]:
    """Everything the user owns that fixup --branch must leave byte-identical."""
    files = {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }
    return {
        "status": sh(root, "status", "--porcelain=v1", "--untracked-files=all"),
        "index": (root / ".git" / "index").read_bytes(),
        "HEAD": (root / ".git" / "HEAD").read_bytes(),
        "head_commit": sh(root, "rev-parse", "HEAD"),
        "files": files,
    }


def show(root: Path, rev: str, path: str) -> str:
    return sh(root, "show", f"{rev}:{path}")


#: Makes every relative import absolute: a healthy project still has a fix to commit.
ABSOLUTE_STYLE = str(Path(__file__).resolve().parent / "absolute_style.toml")


def fixup(root: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(
        "--select", "relative-imports", "--config", ABSOLUTE_STYLE, "--no-cache", *args, str(root)
    )


# -------------------------------------------------------------------- through the CLI


def test_commits_fixes_on_new_branch_and_leaves_the_work_tree_alone(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo")
    base = sh(root, "rev-parse", "HEAD").strip()
    # Uncommitted work of every kind: modified, staged, untracked.
    write(root, {"app/routers/projects.py": BROKEN_ROUTER + "# wip\n", "notes.txt": "todo\n"})
    write(root, {"app/services/db.py": "def get_session():\n    return 2\n"})
    sh(root, "add", "app/services/db.py")
    before = snapshot(root)

    code, stdout, stderr = fixup(root, "--branch", "fixup/imports")

    assert code == 0, stderr
    assert stdout == ""  # stdout is for diffs and machine output; messages go to stderr
    assert snapshot(root) == before
    commits = commits_between_cli(root, base, "fixup/imports")
    assert [subject for _, subject in commits] == [
        "fix(relative-imports): make 1 relative import absolute in app/routers/projects.py"
    ]
    sha = commits[0][0]
    assert sh(root, "rev-parse", "fixup/imports^").strip() == base
    # Computed from the committed state: neither the "# wip" edit nor the staged change is in.
    assert show(root, "fixup/imports", "app/routers/projects.py") == FIXED_ROUTER
    assert show(root, "fixup/imports", "app/services/db.py") == "def get_session():\n    return 1\n"
    assert sh(root, "diff", "--name-only", base, "fixup/imports").split() == [
        "app/routers/projects.py"
    ]
    assert "uncommitted changes" in stderr and "committed state" in stderr
    assert f"{sha[:12]} fix(relative-imports)" in stderr
    assert f"git log -p {base[:12]}..fixup/imports" in stderr
    message = sh(root, "log", "-1", "--format=%B", "fixup/imports")
    assert "Provenance: import root" in message
    assert trailers(message)["Fixup-Version"]
    assert trailers(message)["Fixup-Tree"] == sh(root, "rev-parse", "fixup/imports^{tree}").strip()
    # Names the set of fixes, so the bot can tell a declined or unchanged set (see test_pr.py).
    assert re.fullmatch(r"[0-9a-f]{20}", trailers(message)["Fixup-Fingerprint"])
    assert sh(root, "log", "-1", "--format=%an <%ae>|%cn <%ce>", "fixup/imports").strip() == (
        "Dev Person <dev@example.com>|Dev Person <dev@example.com>"
    )


def commits_between_cli(root: Path, base: str, tip: str) -> list[tuple[str, str]]:
    out = sh(root, "log", "--reverse", "--format=%H %s", f"{base}..{tip}")
    return [tuple(line.split(" ", 1)) for line in out.splitlines()]  # type: ignore[misc]


def test_nothing_to_fix_creates_no_branch(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo", {"app/__init__.py": "", "app/main.py": "import os\n"})
    code, _, stderr = fixup(root, "--branch", "fixup/none")
    assert code == 0, stderr
    assert "Nothing to fix" in stderr
    assert sh(root, "branch", "--list", "fixup/none") == ""


def test_existing_branch_is_refused_without_update(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo")
    sh(root, "branch", "fixup/imports")
    code, _, stderr = fixup(root, "--branch", "fixup/imports")
    assert code == 2
    assert "exists; pass --update" in stderr
    assert sh(root, "rev-parse", "fixup/imports") == sh(root, "rev-parse", "main")


def test_update_rebuilds_the_branch_on_the_new_base(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo")
    assert fixup(root, "--branch", "fixup/imports")[0] == 0
    first = sh(root, "rev-parse", "fixup/imports").strip()
    write(root, {"app/routers/users.py": "from ..services import db\n"})
    new_base = commit_all(root, "Add users router")
    before = snapshot(root)

    code, _, stderr = fixup(root, "--branch", "fixup/imports", "--update")

    assert code == 0, stderr
    assert snapshot(root) == before
    assert "Rebuilt branch fixup/imports" in stderr
    assert sh(root, "rev-parse", "fixup/imports^").strip() == new_base
    assert sh(root, "rev-parse", "fixup/imports").strip() != first
    assert show(root, "fixup/imports", "app/routers/users.py") == "from app.services import db\n"
    assert len(commits_between_cli(root, new_base, "fixup/imports")) == 1


def test_update_with_the_same_fixes_keeps_the_branch(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo")
    assert fixup(root, "--branch", "fixup/imports")[0] == 0
    tip = sh(root, "rev-parse", "fixup/imports")
    code, _, stderr = fixup(root, "--branch", "fixup/imports", "--update")
    assert code == 0, stderr
    assert "up to date" in stderr
    assert sh(root, "rev-parse", "fixup/imports") == tip


def test_update_refuses_a_branch_with_someone_elses_commit(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo")
    assert fixup(root, "--branch", "fixup/imports")[0] == 0
    sh(root, "checkout", "-q", "fixup/imports")
    write(root, {"app/routers/extra.py": "x = 1\n"})
    commit_all(root, "A reviewer's follow-up")
    sh(root, "checkout", "-q", "main")
    tip = sh(root, "rev-parse", "fixup/imports")

    code, _, stderr = fixup(root, "--branch", "fixup/imports", "--update")

    assert code == 2
    assert "A reviewer's follow-up" in stderr and "does not rebuild" in stderr
    assert sh(root, "rev-parse", "fixup/imports") == tip


def test_update_refuses_an_amended_fixup_commit(tmp_path: Path) -> None:
    # The trailers survive `git commit --amend`; the tree it names does not.
    root = make_project(tmp_path / "repo")
    assert fixup(root, "--branch", "fixup/imports")[0] == 0
    sh(root, "checkout", "-q", "fixup/imports")
    write(root, {"app/routers/projects.py": FIXED_ROUTER + "# reviewed\n"})
    sh(root, "commit", "-q", "-a", "--amend", "--no-edit")
    sh(root, "checkout", "-q", "main")
    assert trailers(sh(root, "log", "-1", "--format=%B", "fixup/imports"))["Fixup-Version"]

    code, _, stderr = fixup(root, "--branch", "fixup/imports", "--update")

    assert code == 2
    assert "does not rebuild" in stderr


def test_refuses_the_checked_out_branch(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo")
    before = snapshot(root)
    code, _, stderr = fixup(root, "--branch", "main", "--update")
    assert code == 2
    assert "checked out" in stderr
    assert snapshot(root) == before


def test_author_and_signoff(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo")
    code, _, stderr = fixup(
        root, "--branch", "fixup/imports", "--author", "Fixup Bot <bot@example.com>", "--signoff"
    )
    assert code == 0, stderr
    assert sh(root, "log", "-1", "--format=%an <%ae>|%cn <%ce>", "fixup/imports").strip() == (
        "Fixup Bot <bot@example.com>|Dev Person <dev@example.com>"
    )
    found = trailers(sh(root, "log", "-1", "--format=%B", "fixup/imports"))
    assert found["Signed-off-by"] == "Dev Person <dev@example.com>"
    # git itself reads the trailers the same way.
    parsed = sh(
        root, "log", "-1", "--format=%(trailers:key=Signed-off-by,valueonly)", "fixup/imports"
    )
    assert parsed.strip() == "Dev Person <dev@example.com>"


def test_bad_author_is_a_usage_error_and_creates_nothing(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo")
    code, _, stderr = fixup(root, "--branch", "fixup/imports", "--author", "nobody")
    assert code == 2
    assert "Name <email>" in stderr
    assert sh(root, "branch", "--list", "fixup/imports") == ""


def test_base_option_builds_on_another_commit(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo")
    old = sh(root, "rev-parse", "HEAD").strip()
    write(root, {"app/routers/projects.py": FIXED_ROUTER})
    commit_all(root, "Fix the import by hand")
    code, _, stderr = fixup(root, "--branch", "fixup/old", "--base", old[:10])
    assert code == 0, stderr
    assert sh(root, "rev-parse", "fixup/old^").strip() == old


def test_companion_flags_need_branch(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo")
    code, _, stderr = fixup(root, "--update")
    assert code == 2 and "--update needs --branch" in stderr
    code, _, stderr = fixup(root, "--branch", "x", "--dry-run")
    assert code == 2 and "--dry-run" in stderr


def test_project_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    make_project(
        repo,
        {
            "README.md": "monorepo\n",
            "backend/app/__init__.py": "",
            "backend/app/routers/__init__.py": "",
            "backend/app/routers/projects.py": BROKEN_ROUTER,
            "backend/app/services/__init__.py": "",
            "backend/app/services/db.py": "def get_session():\n    return 1\n",
        },
    )
    code, _, stderr = fixup(repo / "backend", "--branch", "fixup/imports")
    assert code == 0, stderr
    assert show(repo, "fixup/imports", "backend/app/routers/projects.py") == FIXED_ROUTER
    assert show(repo, "fixup/imports", "README.md") == "monorepo\n"


def test_keeps_crlf_and_the_executable_bit(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "repo",
        {
            "app/__init__.py": "",
            "app/routers/__init__.py": "",
            "app/routers/projects.py": BROKEN_ROUTER.replace("\n", "\r\n").encode(),
            "app/services/__init__.py": "",
            "app/services/db.py": "def get_session():\n    return 1\n",
        },
    )
    sh(root, "update-index", "--chmod=+x", "app/routers/projects.py")
    sh(root, "commit", "-q", "-m", "Make it executable")
    base = sh(root, "rev-parse", "HEAD").strip()
    code, _, stderr = fixup(root, "--branch", "fixup/imports")
    assert code == 0, stderr
    blob = subprocess.run(
        ["git", "cat-file", "blob", "fixup/imports:app/routers/projects.py"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout
    assert blob == FIXED_ROUTER.replace("\n", "\r\n").encode()
    assert sh(root, "ls-tree", "fixup/imports", "app/routers/projects.py").startswith("100755 ")
    assert sh(root, "rev-parse", "fixup/imports^").strip() == base


# -------------------------------------------------------------------- the sink, with fixes made by hand


def _report_for(root: Path, fixes: list[Fix]) -> tuple[BranchRun, Report]:
    options = BranchOptions(name="fixup/sink")
    run = prepare(root, options, Config())
    project = load_base(run, root, Config())
    after = project
    for fix in fixes:
        after = after.apply(fix)
    return run, Report(before=project, after=after, fixes=fixes)


def test_one_commit_per_fixer_in_pipeline_order_with_renames_and_deletes(tmp_path: Path) -> None:
    models = "".join(f"class Model{i}:\n    name = 'model {i}'\n\n\n" for i in range(12))
    root = make_project(
        tmp_path / "repo",
        {
            "app/__init__.py": "",
            "app/models.py": models,
            "app/old.py": "OLD = 1\n",
            "app/main.py": "from app.models import Model1\n",
        },
    )
    base = sh(root, "rev-parse", "HEAD").strip()
    split = Fix(
        fixer="split-models",
        title="Split app/models.py into a package",
        explanation="The module grew past the threshold.",
        changes=(
            FileChange("app/models.py", models, None),
            FileChange("app/models/__init__.py", None, models, renamed_from="app/models.py"),
        ),
        provenance=(
            Provenance("restored from commit 3a712ec", commit="3a712ec", path="app/models.py"),
        ),
    )
    first = Fix(
        fixer="relative-imports",
        title="Remove a stale module",
        explanation="Nothing imports it.",
        changes=(FileChange("app/old.py", "OLD = 1\n", None),),
    )
    second = Fix(
        fixer="relative-imports",
        title="Touch main",
        explanation="Second fix of the same fixer.",
        changes=(
            FileChange(
                "app/main.py", "from app.models import Model1\n", "from app.models import Model2\n"
            ),
        ),
    )
    run, report = _report_for(root, [first, second, split])
    before = snapshot(root)

    result = commit_fixes(run, report, update=False)

    assert result is not None
    assert snapshot(root) == before
    subjects = [subject for _, subject in commits_between_cli(root, base, "fixup/sink")]
    assert subjects == [
        "fix(relative-imports): 2 fixes in 2 files",
        "fix(split-models): split app/models.py into a package",
    ]
    assert sh(root, "diff", "--name-status", f"{base}", "fixup/sink~1").split() == [
        "M",
        "app/main.py",
        "D",
        "app/old.py",
    ]
    # git sees the move as a rename, so `git log --follow` keeps the file's history.
    assert sh(root, "diff", "-M", "--name-status", "fixup/sink~1", "fixup/sink").split() == [
        "R100",
        "app/models.py",
        "app/models/__init__.py",
    ]
    message = sh(root, "log", "-1", "--format=%B", "fixup/sink")
    assert (
        "restored from commit 3a712ec" in message
        and "app/models.py -> app/models/__init__.py" in message
    )
    infos = commits_between(run.repo, base, result.tip)
    assert all(is_fixup_commit(info) for info in infos)


def test_a_move_git_cannot_see_gets_its_own_commit_first(tmp_path: Path) -> None:
    # Most of models.py leaves for other modules: git's similarity check would see a delete
    # and an add, and `git log --follow` would stop. The blob moves first, unchanged.
    models = "".join(f"class Model{i}:\n    name = 'model {i}'\n\n\n" for i in range(12))
    root = make_project(tmp_path / "repo", {"app/__init__.py": "", "app/models.py": models})
    base = sh(root, "rev-parse", "HEAD").strip()
    kept = "class Model0:\n    name = 'model 0'\n"
    rest = "".join(f"class Model{i}:\n    name = 'model {i}'\n\n\n" for i in range(1, 12))
    split = Fix(
        fixer="split-models",
        title="Split app/models.py into a package",
        explanation="Move map:\ncore.py: Model0\nrest.py: Model1..Model11",
        changes=(
            FileChange("app/models.py", models, None),
            FileChange("app/models/core.py", None, kept, renamed_from="app/models.py"),
            FileChange("app/models/rest.py", None, rest),
            FileChange("app/models/__init__.py", None, "from app.models.core import *\n"),
        ),
    )
    run, report = _report_for(root, [split])

    result = commit_fixes(run, report, update=False)

    assert result is not None
    subjects = [subject for _, subject in commits_between_cli(root, base, "fixup/sink")]
    assert subjects == [
        "refactor(split-models): move app/models.py -> app/models/core.py",
        "fix(split-models): split app/models.py into a package",
    ]
    assert sh(root, "diff", "-M", "--name-status", base, "fixup/sink~1").split() == [
        "R100",
        "app/models.py",
        "app/models/core.py",
    ]
    assert show(root, "fixup/sink", "app/models/core.py") == kept
    followed = sh(
        root, "log", "--follow", "--format=%H", "fixup/sink", "--", "app/models/core.py"
    ).split()
    assert followed[-1] == base
    # The explanation's lines stay lines in the message.
    assert "  core.py: Model0\n  rest.py: Model1..Model11\n" in sh(
        root, "log", "-1", "--format=%B", "fixup/sink"
    )
    assert all(is_fixup_commit(info) for info in commits_between(run.repo, base, result.tip))


def test_history_is_read_from_the_base_not_from_head(tmp_path: Path) -> None:
    """deleted-classes restores from --base's own history, even when HEAD's never had the file."""
    root = make_project(
        tmp_path / "repo",
        {"models.py": "class Team:\n    name = 'a'\n", "main.py": "from models import Team\n"},
    )
    write(root, {"models.py": "VERSION = 2\n"})
    commit_all(root, "Rewrite models")
    sh(root, "switch", "-q", "--orphan", "docs")
    write(root, {"README.md": "docs only\n"})
    sh(root, "add", "README.md")
    commit_all(root, "Docs")
    head_before = sh(root, "rev-parse", "HEAD")

    code, _, stderr = run_cli(
        "--select",
        "deleted-classes",
        "--no-cache",
        "--branch",
        "fix/teams",
        "--base",
        "main",
        str(root),
    )

    assert code == 0, stderr
    restored = sh(root, "show", "fix/teams:models.py")
    assert "class Team:" in restored
    assert sh(root, "rev-parse", "HEAD") == head_before


def test_import_roots_come_from_the_base_commit(tmp_path: Path) -> None:
    """The packaging metadata of the base decides the roots, not an uncommitted edit of it."""
    root = make_project(
        tmp_path / "repo",
        {
            "pyproject.toml": '[tool.setuptools.packages.find]\nwhere = ["lib"]\n',
            "lib/ns/mod.py": "from . import other\n",  # a namespace package: no __init__.py
            "lib/ns/other.py": "",
        },
    )
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # uncommitted

    code, _, stderr = fixup(root, "--branch", "fix/imports")

    assert code == 0, stderr
    assert sh(root, "show", "fix/imports:lib/ns/mod.py") == "from ns import other\n"

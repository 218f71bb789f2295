"""History: plain data from git, cached by commit, errors as data."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from fixup.cache import Cache
from fixup.config import Config
from fixup.git import find_repo
from fixup.history import History, HistoryError
from fixup.project import Project
from tests.golden import git, run_cli
from tests.test_moved_modules import BASE, MODEL, commit

#: git commands that read history (as opposed to finding the repository and HEAD).
HISTORY_READS = {"log", "cat-file", "ls-tree", "rev-list", "diff-tree"}


def broken_repo(root: Path) -> None:
    """A class deleted from app/schemas.py that app/main.py imports (deleted-classes), and
    app/models/image.py renamed to model.py (moved-modules)."""
    schemas = "class Old:\n    pass\n\n\nclass Kept:\n    pass\n"
    commit(
        root,
        {
            **BASE,
            "app/schemas.py": schemas,
            "app/models/image.py": MODEL,
            "app/main.py": "from app.models.image import Image\nfrom app.schemas import Kept, Old\n",
        },
        "Add the app",
        0,
    )
    commit(
        root,
        {"app/schemas.py": "class Kept:\n    pass\n"},
        "Move image to model, drop Old",
        1,
        moves={"app/models/image.py": "app/models/model.py"},
    )


def git_logging_to(bin_dir: Path, log: Path) -> None:
    """A ``git`` first on PATH that records each command's name, then runs the real git."""
    real = shutil.which("git")
    assert real is not None
    bin_dir.mkdir()
    shim = bin_dir / "git"
    shim.write_text(f'#!/bin/sh\necho "$1" >> "{log}"\nexec "{real}" "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    log.touch()


def test_warm_run_reads_no_history_from_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    broken_repo(project)
    log = tmp_path / "git.log"
    git_logging_to(tmp_path / "bin", log)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    args = ("--select", "deleted-classes", "--select", "moved-modules", "--dry-run", str(project))

    code, cold, stderr = run_cli(*args)
    assert code == 0, stderr
    assert "+class Old:" in cold and "+from app.models.model import Image" in cold
    assert set(log.read_text().split()) & HISTORY_READS

    log.write_text("")
    code, warm, stderr = run_cli(*args)
    assert code == 0, stderr
    assert warm == cold
    assert not set(log.read_text().split()) & HISTORY_READS


def test_no_cache_reads_history_every_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    project.mkdir()
    broken_repo(project)
    log = tmp_path / "git.log"
    git_logging_to(tmp_path / "bin", log)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    run_cli("--select", "deleted-classes", "--dry-run", "--no-cache", str(project))
    log.write_text("")
    run_cli("--select", "deleted-classes", "--dry-run", "--no-cache", str(project))
    assert "log" in log.read_text().split()


def test_answers_come_back_from_the_cache_unchanged(repo: Path) -> None:
    broken_repo(repo)
    project = Project.load(repo, Config())
    cold = History.of(project)
    versions = cold.file_history("app/schemas.py")
    renames = cold.renames()
    old_blob = versions.versions[1].blob if not isinstance(versions, HistoryError) else None
    assert old_blob is not None
    text = cold.blob(old_blob)
    cold.save()

    warm = History.of(project)
    assert warm.file_history("app/schemas.py") == versions
    assert warm.renames() == renames
    assert warm.blob(old_blob) == text == b"class Old:\n    pass\n\n\nclass Kept:\n    pass\n"
    assert warm.where_path_went("app/models/image.py") == renames
    assert warm.paths_at(versions.versions[1].commit.sha, ["app/schemas.py", "nope.py"]) == {
        "app/schemas.py"
    }


def test_a_new_commit_is_a_new_question(repo: Path) -> None:
    broken_repo(repo)
    history = History.of(Project.load(repo, Config()))
    first = history.file_history("app/schemas.py")
    history.save()
    commit(repo, {"app/schemas.py": "class Kept:\n    x = 1\n"}, "Edit", 2)
    again = History.of(Project.load(repo, Config())).file_history("app/schemas.py")
    assert not isinstance(first, HistoryError) and not isinstance(again, HistoryError)
    assert len(again.versions) == len(first.versions) + 1


def test_deepening_a_shallow_clone_is_a_new_question(repo: Path, tmp_path: Path) -> None:
    for day in range(4):
        commit(repo, {"models.py": f"VERSION = {day}\n"}, f"Version {day}", day)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    shallow = History.of(Project.load(clone, Config()))
    found = shallow.file_history("models.py")
    assert not isinstance(found, HistoryError)
    assert found.shallow and len(found.versions) == 1
    shallow.save()

    git(clone, "fetch", "-q", "--deepen", "2")
    deeper = History.of(Project.load(clone, Config())).file_history("models.py")
    assert not isinstance(deeper, HistoryError)
    assert len(deeper.versions) == 3


def test_without_git_every_question_is_answered_with_the_reason() -> None:
    history = History.unavailable()
    assert not history.available
    assert history.file_history("models.py") == HistoryError("not a git repository")
    assert history.renames() == HistoryError("not a git repository")
    assert history.paths_at("0" * 40, ["models.py"]) == HistoryError("not a git repository")
    assert list(history.blobs(["0" * 40])) == [HistoryError("not a git repository")]


def test_a_repository_without_commits_is_an_error_not_a_crash(repo: Path) -> None:
    (repo / "models.py").write_text("X = 1\n")
    history = History.of(Project.load(repo, Config()))
    found = history.file_history("models.py")
    assert isinstance(found, HistoryError) and "names no commit" in found.reason


def test_a_missing_blob_ends_the_stream_with_an_error(repo: Path) -> None:
    commit(repo, {"models.py": "X = 1\n"}, "Add", 0)
    found = find_repo(repo)
    assert found is not None
    history = History(found, "HEAD", Cache(None, "history"))
    blob = git(repo, "rev-parse", "HEAD:models.py").strip()
    items = list(history.blobs([blob, "f" * 40, blob]))
    assert items[0] == b"X = 1\n"
    assert len(items) == 2 and isinstance(items[1], HistoryError)


def test_deleted_classes_says_why_without_history(tmp_path: Path) -> None:
    (tmp_path / "models.py").write_text("class Kept:\n    pass\n")
    (tmp_path / "main.py").write_text("from models import Gone\n")
    code, _, stderr = run_cli("--select", "deleted-classes", "--check", "--no-cache", str(tmp_path))
    assert code == 1  # an error, not a crash
    assert "there is no git history to restore it from (not a git repository)" in stderr


def test_a_warm_search_reads_nothing_from_git(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for day in range(6):
        body = "class Gone:\n    pass\n" if day == 1 else ""
        commit(repo, {"models.py": f"{body}VERSION = {day}\n"}, f"Version {day}", day)
    project = Project.load(repo, Config())
    cold = History.of(project)
    assert cold.last_versions("models.py", ["Gone", "Never", "VERSION"]) == {
        "Gone": 4,
        "VERSION": 0,
    }
    history = cold.file_history("models.py")
    assert not isinstance(history, HistoryError)
    gone_blob = history.versions[4].blob
    assert gone_blob is not None
    assert cold.blob(gone_blob) == b"class Gone:\n    pass\nVERSION = 1\n"
    cold.save()

    log = tmp_path / "git.log"
    git_logging_to(tmp_path / "bin", log)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    warm = History.of(project)
    assert warm.last_versions("models.py", ["VERSION", "Never", "Gone"]) == {
        "Gone": 4,
        "VERSION": 0,
    }
    assert warm.blob(gone_blob) == b"class Gone:\n    pass\nVERSION = 1\n"
    assert not set(log.read_text().split()) & HISTORY_READS


def test_a_run_that_asks_no_history_keeps_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    broken_repo(project)
    log = tmp_path / "git.log"
    git_logging_to(tmp_path / "bin", log)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    run_cli("--select", "deleted-classes", "--dry-run", str(project))
    run_cli("--select", "relative-imports", "--dry-run", str(project))  # no history asked
    log.write_text("")
    run_cli("--select", "deleted-classes", "--dry-run", str(project))
    assert not set(log.read_text().split()) & HISTORY_READS

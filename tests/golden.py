"""The golden-case harness, shared by every fixer (see golden/README.md for the case format).

A case is a folder ``golden/<fixer_module>/<case>/`` with ``before/``, optionally ``after/``
(absent: the tree must come out unchanged), ``history/`` (snapshots committed in order before
``before/``), ``case.toml`` and ``expected.diff``. The harness builds a real git repository,
runs the real CLI, compares trees byte for byte, runs again to prove nothing more changes, and
imports the repaired modules in a subprocess.

``FIXUP_UPDATE_GOLDEN=1`` rewrites ``after/`` and ``expected.diff`` from the actual output;
review the result with ``git diff golden/``. CI never sets it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from fixup.cli import main

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
UPDATE = os.environ.get("FIXUP_UPDATE_GOLDEN") == "1"

_CASE_KEYS = {
    "args",
    "git",
    "clone_depth",
    "exit_code",
    "stderr",
    "stderr_absent",
    "imports",
    "import_path",
    "imports_fail_before",
    "message",
    "check_stable",
    "python_path",
}

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Golden Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Golden Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


@dataclass
class Case:
    path: Path
    fixer: str
    args: list[str]
    git: bool = True
    clone_depth: int | None = None
    exit_code: int = 0
    stderr: list[str] = field(default_factory=list)
    stderr_absent: list[str] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    import_path: str = "."
    #: Extra folders (relative to the project) for PYTHONPATH when importing.
    python_path: list[str] = field(default_factory=list)
    imports_fail_before: bool = True
    message: str = "Current state"
    check_stable: bool = True

    @property
    def id(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"

    @property
    def after(self) -> Path:
        return self.path / "after" if (self.path / "after").is_dir() else self.path / "before"


def collect() -> list[Case]:
    cases = []
    for folder in sorted(GOLDEN.glob("*/*")):
        if not (folder / "before").is_dir():
            continue
        fixer = folder.parent.name.replace("_", "-")
        data: dict[str, Any] = {}
        if (folder / "case.toml").is_file():
            data = tomllib.loads((folder / "case.toml").read_text())
            unknown = set(data) - _CASE_KEYS
            assert not unknown, f"{folder}/case.toml: unknown keys {sorted(unknown)}"
        data.setdefault("args", ["--select", fixer])
        cases.append(Case(path=folder, fixer=fixer, **data))
    return cases


def git(cwd: Path, *args: str, date: int | None = None) -> str:
    env = {**os.environ, **GIT_ENV}
    if date is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{1700000000 + date * 86400} +0000"
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout


def _replace_tree(src: Path, dest: Path) -> None:
    for entry in dest.iterdir():
        if entry.name == ".git":
            continue
        shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    shutil.copytree(src, dest, dirs_exist_ok=True, symlinks=True)


def build_project(case: Case, tmp: Path) -> Path:
    """The case's project as a real git repository (or a plain folder), ready to run on."""
    work = tmp / "project"
    work.mkdir()
    if case.git:
        git(work, "init", "-q", "-b", "main")
        history = (
            sorted((case.path / "history").iterdir()) if (case.path / "history").is_dir() else []
        )
        for day, snapshot in enumerate(history):
            _replace_tree(snapshot, work)
            # copytree keeps mtimes: without a fresh index git may trust a stale stat cache
            # for a same-sized file and commit the previous snapshot's content.
            (work / ".git" / "index").unlink(missing_ok=True)
            git(work, "add", "-A")
            message = snapshot.name.split("-", 1)[-1].replace("-", " ").capitalize()
            git(work, "commit", "-q", "--allow-empty", "-m", message, date=day)
        _replace_tree(case.path / "before", work)
        (work / ".git" / "index").unlink(missing_ok=True)
        git(work, "add", "-A")
        git(work, "commit", "-q", "--allow-empty", "-m", case.message, date=len(history))
        if case.clone_depth:
            clone = tmp / "clone"
            git(tmp, "clone", "-q", "--depth", str(case.clone_depth), f"file://{work}", str(clone))
            return clone
    else:
        _replace_tree(case.path / "before", work)
    return work


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts and "__pycache__" not in p.parts
    }


def import_modules(case: Case, root: Path) -> subprocess.CompletedProcess[str]:
    """Import the case's modules in a fresh interpreter, the way the app would start."""
    cwd = root / case.import_path
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if case.python_path:
        env["PYTHONPATH"] = os.pathsep.join(str(root / p) for p in case.python_path)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    code = "".join(f"import {m}\n" for m in case.imports)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


#: What a case's name promises: ``fix_`` changes the project, ``noop_``/``skip_`` leave it alone.
OUTCOMES = ("fix", "noop", "skip")


def check_outcome(case: Case, before: dict[str, bytes], actual: dict[str, bytes]) -> None:
    """Hold a case to its name: a ``fix_`` case that changes nothing, or a ``noop_``/``skip_``
    case that changes something (or has an ``after/``), proves the wrong thing."""
    outcome = case.path.name.split("_", 1)[0]
    assert outcome in OUTCOMES, f"{case.id}: a case's name starts with fix_, noop_ or skip_"
    if outcome == "fix":
        assert actual != before, (
            f"{case.id}: a fix_ case must change the project; fixup changed nothing"
        )
    else:
        assert actual == before, f"{case.id}: a {outcome}_ case must leave the project unchanged"
        assert not (case.path / "after").is_dir(), f"{case.id}: a {outcome}_ case has no after/"


def check_case(case: Case, tmp_path: Path) -> None:
    """Run one golden case end to end (``tests/test_golden.py`` runs them all)."""
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
    check_outcome(case, before, actual)
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

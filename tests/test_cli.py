"""The command line: modes, exit codes, refusals, output formats."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from fixup.fixers import all_fixers
from tests.golden import git, run_cli

BROKEN = {
    "backend/dev_server.py": "from routers import items\n\nif __name__ == '__main__':\n    print(items)\n",
    "backend/routers/__init__.py": "",
    "backend/routers/items.py": "from ..services.db import session  # the one session\n",
    "backend/services/__init__.py": "",
    "backend/services/db.py": "session = object()\n",
}


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def commit_all(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "state")


@pytest.fixture
def broken(repo: Path) -> Path:
    write(repo, BROKEN)
    commit_all(repo)
    return repo


def test_noop_check_on_clean_project_exits_0(repo: Path) -> None:
    write(repo, {"app/__init__.py": "", "app/a.py": "from app import b\n", "app/b.py": ""})
    commit_all(repo)
    code, stdout, stderr = run_cli("--check", str(repo))
    assert (code, stdout) == (0, "")
    assert "Nothing to fix." in stderr


def test_check_exits_1_when_fixes_are_pending_and_writes_nothing(broken: Path) -> None:
    code, stdout, _ = run_cli("--check", str(broken))
    assert code == 1
    assert stdout == ""
    assert git(broken, "status", "--porcelain") == ""


def test_dry_run_output_is_a_patch_git_applies(broken: Path) -> None:
    code, stdout, _ = run_cli("--dry-run", "--no-color", str(broken))
    assert code == 0
    assert (
        "# relative-imports: Make 1 relative import absolute in backend/routers/items.py" in stdout
    )
    patch = broken / ".." / "fixes.patch"
    patch.write_text(stdout)
    git(broken, "apply", str(patch.resolve()))
    assert (broken / "backend/routers/items.py").read_text() == (
        "from services.db import session  # the one session\n"
    )


def test_apply_writes_the_fix_and_keeps_the_file_mode(broken: Path) -> None:
    target = broken / "backend/routers/items.py"
    os.chmod(target, 0o755)
    commit_all(broken)
    code, _, stderr = run_cli(str(broken))
    assert code == 0, stderr
    assert target.read_text().startswith("from services.db import session")
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    assert "Applied 1 fix to 1 file." in stderr


def test_refuses_to_overwrite_uncommitted_changes(broken: Path) -> None:
    target = broken / "backend/routers/items.py"
    target.write_text(target.read_text() + "x = 1  # work in progress\n")
    code, _, stderr = run_cli(str(broken))
    assert code == 2
    assert "uncommitted changes in backend/routers/items.py" in stderr
    assert target.read_text().endswith("x = 1  # work in progress\n")

    code, _, stderr = run_cli("--allow-dirty", str(broken))
    assert code == 0, stderr
    assert (
        target.read_text()
        == "from services.db import session  # the one session\nx = 1  # work in progress\n"
    )


def test_unknown_fixer_is_a_usage_error(broken: Path) -> None:
    code, _, stderr = run_cli("--select", "nope", str(broken))
    assert code == 2
    assert "Unknown fixer: 'nope'" in stderr


def test_invalid_configuration_is_reported_with_the_file(broken: Path) -> None:
    (broken / "pyproject.toml").write_text('[tool.fixup.relative-imports]\nscope = "everything"\n')
    code, _, stderr = run_cli("--check", str(broken))
    assert code == 2
    assert "scope must be one of 'all', 'parents'" in stderr

    (broken / "pyproject.toml").write_text("[tool.fixup\n")
    code, _, stderr = run_cli("--check", str(broken))
    assert code == 2
    assert "pyproject.toml: invalid TOML" in stderr


def test_select_and_ignore_from_configuration_and_flags(broken: Path) -> None:
    (broken / "pyproject.toml").write_text('[tool.fixup]\nignore = ["relative-imports"]\n')
    assert run_cli("--check", str(broken))[0] == 0
    (broken / "pyproject.toml").write_text('[tool.fixup]\nselect = ["relative-imports"]\n')
    assert run_cli("--check", str(broken))[0] == 1
    # A flag wins over the same key in the file.
    assert run_cli("--check", "--ignore", "relative-imports", str(broken))[0] == 0


def test_exclude_leaves_matching_files_alone(broken: Path) -> None:
    code, _, _ = run_cli("--check", "--exclude", "backend/routers/**", str(broken))
    assert code == 0


def test_json_output_follows_the_documented_schema(broken: Path) -> None:
    code, stdout, _ = run_cli("--dry-run", "--format", "json", str(broken))
    assert code == 0
    data = json.loads(stdout)
    assert data["schema"] == 2
    assert data["repository_root"] == str(broken.resolve())
    assert data["summary"] == {
        "fixes": 1,
        "files": 1,
        "skipped": 0,
        "errors": 0,
        "applied": False,
    }
    fix = data["fixes"][0]
    assert fix["fixer"] == "relative-imports"
    assert fix["applied"] is False  # a dry run writes nothing
    # The first changed line, and the column where it starts to differ: `from ..services`.
    assert fix["files"] == [
        {
            "path": "backend/routers/items.py",
            "action": "modify",
            "renamed_from": None,
            "line": 1,
            "column": 6,
        }
    ]
    assert fix["diff"].startswith(
        "diff --git a/backend/routers/items.py b/backend/routers/items.py\n"
    )
    assert {
        "path": "backend",
        "source": "the entry script backend/dev_server.py runs with its folder as the import root",
    } in data["roots"]


def test_unreadable_file_is_reported_and_the_rest_is_fixed(broken: Path) -> None:
    (broken / "backend/routers/latin.py").write_bytes(
        b"from ..services.db import session\nname = '\xe9'\n"
    )
    commit_all(broken)
    code, _, stderr = run_cli(str(broken))
    assert code == 1  # an error was reported
    assert "backend/routers/latin.py: skipped: cannot decode as utf-8" in stderr
    assert (broken / "backend/routers/items.py").read_text().startswith("from services.db")


def test_runs_outside_git(tmp_path: Path) -> None:
    write(tmp_path, BROKEN)
    code, _, stderr = run_cli(str(tmp_path))
    assert code == 0, stderr
    assert (tmp_path / "backend/routers/items.py").read_text().startswith("from services.db")


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    code, _, stderr = run_cli("--check", str(tmp_path / "nope"))
    assert code == 2
    assert "nope: no such folder" in stderr


def test_list_and_explain_document_every_fixer() -> None:
    code, stdout, _ = run_cli("list")
    assert code == 0
    for fixer in all_fixers():
        assert fixer.name in stdout
        code, text, _ = run_cli("explain", fixer.name)
        assert code == 0
        assert text.startswith(f"# {fixer.name}\n")
    assert run_cli("explain", "nope")[0] == 2


def test_help_documents_the_exit_codes() -> None:
    code, stdout, _ = run_cli("--help")
    assert code == 0
    for line in (
        "1    --check: fixes are pending (--exit-non-zero-on-fix: fixes were",
        "applied); in every mode: an error was reported",
        "123  internal error",
        "130  interrupted by SIGINT (Ctrl-C); 143 by SIGTERM",
        "--exit-zero",
        "explain",
    ):
        assert line in stdout


def test_internal_error_exits_123(broken: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fixup.fixers import relative_imports

    def crash(ctx: object) -> None:
        raise RuntimeError("boom")

    fixers = tuple(
        f if f.name != "relative-imports" else type(f)(f.name, f.order, f.doc, f.options, crash)
        for f in all_fixers()
    )
    monkeypatch.setattr("fixup.fixers.all_fixers", lambda: fixers)
    assert relative_imports.plan is not crash
    code, _, stderr = run_cli("--check", str(broken))
    assert code == 123
    assert "internal error: RuntimeError: boom" in stderr


def test_console_script_runs(broken: Path) -> None:
    result = subprocess.run(["fixup", "--check", str(broken)], capture_output=True, text=True)
    assert result.returncode == 1


def test_a_folder_the_repository_ignores_is_read_from_disk(repo: Path) -> None:
    (repo / ".gitignore").write_text("scratch/\n")
    commit_all(repo)
    write(repo / "scratch", BROKEN)
    code, stdout, stderr = run_cli("--dry-run", str(repo / "scratch"))
    assert code == 0
    assert "ignores this folder: reading it as plain files" in stderr
    assert "+from services.db import session" in stdout


def test_fold_moves_without_a_dry_run_is_a_usage_error(broken: Path) -> None:
    code, _, stderr = run_cli("--fold-moves", str(broken))
    assert code == 2
    assert "use it with --dry-run" in stderr
    assert git(broken, "status", "--porcelain") == ""

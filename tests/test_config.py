"""``[tool.fixup]``: found from a subfolder, every mistake rejected with the valid names."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden import git, run_cli

#: ``python dev_server.py`` from backend/: routers reach "beyond" the top-level package.
BROKEN = {
    "backend/dev_server.py": "from routers import items\n",
    "backend/routers/__init__.py": "",
    "backend/routers/items.py": "from ..services.db import session\n",
    "backend/services/__init__.py": "",
    "backend/services/db.py": "session = object()\n",
    "backend/legacy/__init__.py": "",
    "backend/legacy/old.py": "from ..services.db import session\n",
}


def make(repo: Path, pyproject: str, files: dict[str, str] = BROKEN) -> Path:
    for rel, text in {**files, "pyproject.toml": pyproject}.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "state")
    return repo


def error_of(*args: str) -> str:
    code, stdout, stderr = run_cli(*args)
    assert (code, stdout) == (2, ""), stderr
    assert stderr.count("\n") == 1, stderr  # one line
    return stderr


# ---------------------------------------------------------------------------- finding the file


def test_noop_without_configuration_anywhere(repo: Path) -> None:
    make(repo, '[project]\nname = "app"\n')
    code, _, stderr = run_cli("--check", str(repo / "backend"))
    assert code == 1, stderr


def test_configuration_is_found_from_a_subfolder(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(repo, '[tool.fixup]\nignore = ["relative-imports"]\n')
    monkeypatch.chdir(repo / "backend")
    code, _, stderr = run_cli("--check")
    assert (code, stderr.strip()) == (0, "Nothing to fix.")


def test_nearest_pyproject_with_a_fixup_table_wins(repo: Path) -> None:
    make(repo, '[tool.fixup]\nselect = ["relative-imports"]\n')
    # A pyproject.toml without [tool.fixup] in between does not stop the walk ...
    (repo / "backend/pyproject.toml").write_text('[project]\nname = "backend"\n')
    assert run_cli("--check", str(repo / "backend"))[0] == 1
    # ... one with it does.
    (repo / "backend/pyproject.toml").write_text('[tool.fixup]\nignore = ["relative-imports"]\n')
    assert run_cli("--check", str(repo / "backend"))[0] == 0


def test_walk_stops_at_the_top_of_the_git_repository(tmp_path: Path) -> None:
    # A configuration above the repository belongs to another project.
    (tmp_path / "pyproject.toml").write_text('[tool.fixup]\nignore = ["relative-imports"]\n')
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    make(repo, '[project]\nname = "app"\n')
    assert run_cli("--check", str(repo / "backend"))[0] == 1


def test_config_flag_wins_over_the_file_found(repo: Path) -> None:
    make(repo, '[tool.fixup]\nignore = ["relative-imports"]\n')
    other = repo.parent / "strict.toml"
    other.write_text('[tool.fixup]\nselect = ["relative-imports"]\n')
    assert run_cli("--check", str(repo / "backend"))[0] == 0
    assert run_cli("--check", "--config", str(other), str(repo / "backend"))[0] == 1


def test_roots_and_exclude_are_relative_to_the_configuration_folder(repo: Path) -> None:
    make(repo, '[tool.fixup]\nroots = ["backend"]\nexclude = ["backend/legacy/**"]\n')
    for path in (repo, repo / "backend"):
        code, stdout, stderr = run_cli("--dry-run", "--no-color", "-v", str(path))
        assert code == 0, stderr
        assert "import root backend/: [tool.fixup] roots" in stderr or path != repo
        assert "import root ./: [tool.fixup] roots" in stderr or path == repo
        assert "from services.db import session" in stdout
        assert "legacy" not in stdout


def test_an_exclude_pattern_that_covers_the_path_given_does_not_exclude_it(repo: Path) -> None:
    # Like ruff: a folder named on the command line is checked, even if the
    # configuration found above it excludes it (fixup's own repository excludes examples/).
    make(repo, '[tool.fixup]\nexclude = ["backend/**"]\n')
    assert run_cli("--check", str(repo))[0] == 0
    assert run_cli("--check", str(repo / "backend"))[0] == 1


def test_root_outside_the_path_given_is_an_error(repo: Path) -> None:
    make(repo, '[tool.fixup]\nroots = ["."]\n')
    stderr = error_of("--check", str(repo / "backend"))
    assert "roots: '.' is outside" in stderr
    assert f"run fixup on {repo.resolve()}" in stderr


# ---------------------------------------------------------------------------- mistakes


def test_misspelt_fixer_table_is_rejected_with_a_suggestion(repo: Path) -> None:
    make(repo, '[tool.fixup.relative-import]\nscope = "parents"\n')
    stderr = error_of("--check", str(repo))
    assert "pyproject.toml: [tool.fixup.relative-import]: unknown fixer 'relative-import'" in stderr
    assert "did you mean 'relative-imports'?" in stderr
    from fixup.fixers import all_fixers

    assert f"(valid: {', '.join(sorted(f.name for f in all_fixers()))})" in stderr


def test_table_for_a_fixer_that_is_not_selected_is_still_checked(repo: Path) -> None:
    make(
        repo,
        '[tool.fixup]\nselect = ["relative-imports"]\n[tool.fixup.split-models]\nmax-lines = 0\n',
    )
    stderr = error_of("--check", str(repo))
    assert "[tool.fixup.split-models] max-lines must be at least 1, not 0" in stderr


def test_unknown_key_is_rejected_with_a_suggestion(repo: Path) -> None:
    make(repo, '[tool.fixup]\nexclud = ["legacy/**"]\n')
    stderr = error_of("--check", str(repo))
    assert "unknown key [tool.fixup] 'exclud'; did you mean 'exclude'?" in stderr
    assert (
        "(valid: api-url, branch, exclude, ignore, labels, roots, select, unsafe-fixes)" in stderr
    )


def test_unknown_key_far_from_any_name_lists_the_valid_names_only(repo: Path) -> None:
    make(repo, "[tool.fixup]\ncolour = true\n")
    stderr = error_of("--check", str(repo))
    assert "unknown key [tool.fixup] 'colour' (valid: api-url," in stderr
    assert "did you mean" not in stderr


def test_unknown_fixer_option_is_rejected_with_a_suggestion(repo: Path) -> None:
    make(repo, "[tool.fixup.split-models]\nmax-line = 300\n")
    stderr = error_of("--check", str(repo))
    assert (
        "unknown option [tool.fixup.split-models] 'max-line'; did you mean 'max-lines'?" in stderr
    )
    assert (
        "(valid: groups, max-lines, min-classes, modules, rewrite-importers, shared-module)"
        in stderr
    )


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[tool.fixup]\nroots = ['nonexistent']", "roots: 'nonexistent' is not a folder"),
        ("[tool.fixup.split-models]\nmax-lines = -5", "max-lines must be at least 1, not -5"),
        ("[tool.fixup.split-models]\nmin-classes = 0", "min-classes must be at least 1, not 0"),
        ("[tool.fixup.split-models]\nmax-lines = '500'", "max-lines must be a whole number, not '500'"),
        ("[tool.fixup.split-models]\nmax-lines = true", "max-lines must be a whole number, not True"),
        ("[tool.fixup.split-models]\ngroups = ['auth']", "groups must be a table, not ['auth']"),
        ("[tool.fixup]\nexclude = 'legacy/**'", "exclude must be a list of strings, not 'legacy/**'"),
        ("[tool.fixup]\nroots = [1]", "roots must be a list of strings, not [1]"),
        ("[tool.fixup]\nunsafe-fixes = 'yes'", "unsafe-fixes must be true or false, not 'yes'"),
        ("[tool.fixup]\nselect = {a = 1}", "select must be a list of strings"),
        ("[tool.fixup]\nbranch = ''", "branch must be a non-empty string, not ''"),
        ("[tool.fixup.relative-imports]\nscope = 'some'", "scope must be one of 'all', 'parents', not 'some'"),
    ],
)  # fmt: skip
def test_impossible_values_are_rejected(repo: Path, toml: str, message: str) -> None:
    make(repo, toml + "\n")
    stderr = error_of("--check", str(repo))
    assert f"{repo / 'pyproject.toml'}: " in stderr
    assert message in stderr


def test_doctor_rejects_the_same_mistakes(repo: Path) -> None:
    make(repo, "[tool.fixup]\nroots = ['nonexistent']\n")
    code, _, stderr = run_cli("doctor", str(repo / "backend"))
    assert code == 2
    assert "roots: 'nonexistent' is not a folder" in stderr

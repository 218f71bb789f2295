"""Rendering: the folded view of fixes that move code between files; where a change starts;
patches git applies."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from fixup.config import Config
from fixup.fix import FileChange, Fix
from fixup.formats import markdown_doc
from fixup.pipeline import Report
from fixup.project import Project
from fixup.report import first_change, fix_diff, folded_diff, render_patch, split_lines

CLASS_A = "class Alpha:\n    one = 1\n    two = 2\n    three = 3\n"
CLASS_B = "class Beta:\n    four = 4\n    five = 5\n    six = 6\n"
MODELS = f"import os\n\n\n{CLASS_A}\n\n{CLASS_B}"


def split_fix() -> Fix:
    return Fix(
        "split-models",
        "Split models.py",
        "why",
        (
            FileChange(
                "models/__init__.py",
                None,
                "from models.a import Alpha\nfrom models.b import Beta\n",
            ),
            FileChange("models/a.py", None, f"import os\n\n\n{CLASS_A}"),
            FileChange("models/b.py", None, f"from models.a import Alpha\n\n\n{CLASS_B}"),
            FileChange("models.py", MODELS, None),
        ),
    )


def test_moved_runs_are_folded_and_name_both_ends(tmp_path: Path) -> None:
    project = Project.from_files(tmp_path, {"models.py": MODELS})
    folded = folded_diff(split_fix(), project)
    assert folded is not None
    # a.py takes the header and Alpha as they were; b.py takes Beta under a new import.
    assert "+… 7 lines moved verbatim from models.py:1-7" in folded
    assert "+… 4 lines moved verbatim from models.py:10-13" in folded
    assert "-… 7 lines moved verbatim to models/a.py:1-7" in folded
    assert "-… 4 lines moved verbatim to models/b.py:4-7" in folded
    # What is not a verbatim move is shown line by line.
    assert "+from models.a import Alpha\n+\n+\n+… 4 lines" in folded
    assert "+from models.b import Beta" in folded
    assert "class " not in folded
    assert len(folded.splitlines()) < len(fix_diff(split_fix(), project).splitlines())


def test_a_fix_that_moves_nothing_has_no_folded_view(tmp_path: Path) -> None:
    project = Project.from_files(tmp_path, {"a.py": "from .b import c\n"})
    fix = Fix(
        "relative-imports",
        "t",
        "t",
        (FileChange("a.py", "from .b import c\n", "from b import c\n"),),
    )
    assert folded_diff(fix, project) is None


def test_cli_fold_moves_shows_the_folded_view(repo: Path) -> None:
    from tests.golden import git, run_cli

    body = "".join(
        f"class {prefix}{kind}(BaseModel):\n    id: int\n    name: str\n    note: str = ''\n\n\n"
        for prefix in ("User", "Team", "Order")
        for kind in ("Create", "Update", "Response")
    )
    (repo / "models.py").write_text(f"from pydantic import BaseModel\n\n\n{body}")
    (repo / "main.py").write_text("from models import UserCreate\n")
    (repo / "pyproject.toml").write_text(
        "[tool.fixup.split-models]\nmax-lines = 20\nmin-classes = 2\n"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "models")

    code, full, _ = run_cli("--dry-run", "--select", "split-models", str(repo))
    assert code == 0 and "+class UserCreate(BaseModel):" in full
    code, folded, _ = run_cli("--dry-run", "--fold-moves", "--select", "split-models", str(repo))
    assert code == 0
    assert "lines moved verbatim from models.py" in folded
    assert "+class UserCreate(BaseModel):" not in folded
    assert "(verbatim moves folded: a view for review, not a patch)" in folded


# -------------------------------------------------------------------- locations and patches


@pytest.mark.parametrize(
    ("before", "after", "where"),
    [
        ("a = 1\nb = 2\n", "a = 1\nb = 3\n", (2, 5)),  # the column where the line differs
        ("a = 1\n", "import os\na = 1\n", (1, 1)),  # inserted before line 1
        ("a = 1\nb = 2\n", "a = 1\nb = 2\nc = 3\n", (2, 1)),  # appended: the last line
        ("a = 1\nb = 2\nc = 3\n", "a = 1\nc = 3\n", (2, 1)),  # deleted
        ("x = 1", "x = 1\n", (1, 6)),  # a newline added at the end
        (None, "new = 1\n", (1, 1)),  # a created file
        ("gone = 1\n", None, (1, 1)),  # a deleted file
    ],
)
def test_first_change_is_the_first_line_the_diff_touches(
    before: str | None, after: str | None, where: tuple[int, int]
) -> None:
    assert first_change(before, after) == where


def test_lines_end_at_newlines_only() -> None:
    assert split_lines("a\x0cb\nc\x85d\u2028e\n\nf") == ["a\x0cb\n", "c\x85d\u2028e\n", "\n", "f"]


def test_markdown_doc_turns_rst_literals_into_code_and_keeps_fences() -> None:
    doc = "Use ``from . import x``\nor ``a``.\n\n```diff\n-``kept``\n```\nThen ``b``.\n"
    assert (
        markdown_doc(doc)
        == "Use `from . import x`\nor `a`.\n\n```diff\n-``kept``\n```\nThen `b`.\n"
    )


@pytest.mark.parametrize("name", ['odd "quoted" name.py', "back\\slash.py", "tab\there.py"])
def test_a_path_git_quotes_still_applies(repo: Path, name: str) -> None:
    from tests.golden import git

    (repo / name).write_text("x = 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "odd name")
    project = Project.load(repo, Config())
    fix = Fix("t", "t", "t", (FileChange(name, "x = 1\n", "x = 2\n"),))
    report = Report(before=project, after=project.apply(fix), fixes=[fix])
    patch, not_patches = render_patch(report)
    assert not_patches == []
    done = subprocess.run(["git", "apply", "-"], cwd=repo, input=patch, capture_output=True)
    assert done.returncode == 0, done.stderr
    assert (repo / name).read_text() == "x = 2\n"


def test_a_deleted_executable_file_names_its_mode(repo: Path) -> None:
    from tests.golden import git

    (repo / "tool.py").write_text("x = 1\n")
    (repo / "tool.py").chmod(0o755)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "tool")
    project = Project.load(repo, Config())
    fix = Fix("t", "t", "t", (FileChange("tool.py", "x = 1\n", None),))
    patch, _ = render_patch(Report(before=project, after=project.apply(fix), fixes=[fix]))
    assert b"deleted file mode 100755\n" in patch
    done = subprocess.run(["git", "apply", "-"], cwd=repo, input=patch, capture_output=True)
    assert (done.returncode, done.stderr) == (0, b"")  # not even "has type 100755" warnings
    assert not (repo / "tool.py").exists()

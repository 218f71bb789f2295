"""The one apply loop: the pipeline decides each fix before the fixer plans the next."""

from __future__ import annotations

from pathlib import Path

from fixup.config import Config
from fixup.fixers import get_fixer
from fixup.pipeline import UNSAFE, run
from fixup.project import Project
from tests.golden import git, run_cli
from tests.test_moved_modules import BASE, MODEL, commit

IMPORTER = "from app.models.image import Image\nfrom app.things import helper\n"


def two_moves_in_one_file(root: Path) -> None:
    """app/models/image.py became picture.py with its class renamed and its table changed
    (an unsafe fix), and app/things.py became widgets.py unchanged (a safe fix); app/main.py
    imports both, so both fixes edit it, the unsafe one first."""
    commit(
        root,
        {
            **BASE,
            "app/models/image.py": MODEL,
            "app/things.py": "def helper():\n    return 1\n",
            "app/main.py": IMPORTER,
        },
        "Add images and things",
        0,
    )
    commit(
        root,
        {
            "app/models/picture.py": MODEL.replace("class Image", "class Picture").replace(
                '"images"', '"pictures"'
            )
        },
        "Rename image to picture, things to widgets",
        1,
        moves={"app/models/image.py": "app/models/picture.py", "app/things.py": "app/widgets.py"},
    )


def test_a_fix_after_a_skipped_unsafe_fix_is_planned_without_it(tmp_path: Path) -> None:
    two_moves_in_one_file(tmp_path)
    project = Project.load(tmp_path, Config())
    report = run(project, [get_fixer("moved-modules")], Config(), use_cache=False)
    [(skipped, reason)] = report.skipped
    assert reason == UNSAFE and "app.models.image" in skipped.title
    [applied] = report.fixes
    assert applied.changes[0].before == IMPORTER
    assert report.after.files["app/main.py"] == (
        "from app.models.image import Image\nfrom app.widgets import helper\n"
    )


def test_with_unsafe_fixes_the_next_fix_builds_on_the_first(tmp_path: Path) -> None:
    two_moves_in_one_file(tmp_path)
    project = Project.load(tmp_path, Config())
    config = Config().with_flags((), (), (), True)
    report = run(project, [get_fixer("moved-modules")], config, use_cache=False)
    assert report.skipped == []
    assert [f.title for f in report.fixes] == [
        "Import app.models.picture instead of the missing app.models.image",
        "Import app.widgets instead of the missing app.things",
    ]
    assert report.after.files["app/main.py"] == (
        "from app.models.picture import Picture as Image\nfrom app.widgets import helper\n"
    )


def test_the_cli_applies_the_safe_fix_and_reports_the_unsafe_one(tmp_path: Path) -> None:
    from tests.golden import run_cli

    two_moves_in_one_file(tmp_path)
    code, _, stderr = run_cli("--select", "moved-modules", "--no-cache", str(tmp_path))
    assert code == 0, stderr
    assert (
        f"skipped [moved-modules] Import app.models.picture instead of the missing app.models.image: {UNSAFE}"
        in stderr
    )
    assert "changed since" not in stderr
    assert (tmp_path / "app/main.py").read_text() == (
        "from app.models.image import Image\nfrom app.widgets import helper\n"
    )
    assert git(tmp_path, "status", "--porcelain") == " M app/main.py\n"


def test_a_file_that_does_not_parse_here_is_reported_once_and_left_alone(tmp_path: Path) -> None:
    # Python 3.14's t-strings do not parse on older interpreters: a warning, not a crash.
    (tmp_path / "newer.py").write_text('GREETING = t"hello {1}"\n')
    (tmp_path / "broken.py").write_text("def f(:\n")
    (tmp_path / "main.py").write_text("import newer\n")
    code, _, stderr = run_cli("--check", "--no-cache", str(tmp_path))
    assert code == 0, stderr
    # One cause, one line: both files on it.
    assert stderr.count("not read: it does not parse on Python") == 1
    assert "broken.py:1" in stderr and "newer.py:1" in stderr

"""moved-modules: unit tests on real git repositories (the golden cases cover the CLI)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from fixup.cache import Cache
from fixup.config import Config
from fixup.fix import Plan
from fixup.fixers import FixerContext, moved_modules
from fixup.git import find_repo, where_path_went
from fixup.history import History
from fixup.pipeline import propose
from fixup.project import Project
from tests.golden import git

MODEL = """\
from app.db import Base


class Image(Base):
    __tablename__ = "images"
    name = "image"
    repository = "docker.io"
    storage_path = "/var/images"
    tags = ("latest",)
    size = 0
"""


def write(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))


def commit(
    root: Path,
    files: dict[str, str],
    message: str,
    day: int,
    *,
    moves: dict[str, str] | None = None,
) -> None:
    if not (root / ".git").exists():
        git(root, "init", "-q", "-b", "main")
    for old, new in (moves or {}).items():
        (root / new).parent.mkdir(parents=True, exist_ok=True)
        git(root, "mv", old, new)
    write(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=day)


def run(root: Path) -> tuple[Project, Plan]:
    project = Project.load(root, Config())
    return project, run_plan_on(project)


def applied(project: Project, plan: Plan) -> Project:
    for fix in plan.fixes:
        project = project.apply(fix)
        for change in fix.changes:
            if change.after is not None:
                ast.parse(change.after)
    return project


BASE = {
    "app/__init__.py": "",
    "app/db.py": "class Base:\n    pass\n",
    "app/models/__init__.py": "",
}


def renamed_model_repo(root: Path, new_class: str, importer: str) -> None:
    """app/models/image.py (class Image) renamed to model.py, with ``new_class`` as its code."""
    commit(root, {**BASE, "app/models/image.py": MODEL, "app/main.py": importer}, "Add images", 0)
    commit(
        root,
        {"app/models/model.py": new_class},
        "Rename image to model",
        1,
        moves={"app/models/image.py": "app/models/model.py"},
    )


# ---------------------------------------------------------------- no-ops


def test_noop_when_every_module_exists(tmp_path: Path) -> None:
    commit(
        tmp_path,
        {
            **BASE,
            "app/models/model.py": MODEL,
            "app/main.py": "from app.models.model import Image\n",
        },
        "Add",
        0,
    )
    _, plan = run(tmp_path)
    assert plan.fixes == [] and plan.diagnostics == []


def test_noop_on_namespace_folder_next_to_the_app(tmp_path: Path) -> None:
    # backend/alembic/ has no __init__.py: `from alembic import context` is the installed alembic.
    commit(
        tmp_path,
        {
            "backend/app/__init__.py": "",
            "backend/app/db.py": "class Base:\n    metadata = None\n",
            "backend/alembic/env.py": "from alembic import context\nfrom app.db import Base\n",
        },
        "Add",
        0,
    )
    _, plan = run(tmp_path)
    assert plan.fixes == [] and plan.diagnostics == []


def test_noop_in_suppress_import_error_block(tmp_path: Path) -> None:
    commit(
        tmp_path,
        {
            **BASE,
            "app/models/user.py": "class LegacyUser:\n    pass\n",
            "app/main.py": """\
                import contextlib

                LegacyUser = None
                with contextlib.suppress(ModuleNotFoundError):
                    from app.models.legacy import LegacyUser
            """,
        },
        "Add",
        0,
    )
    _, plan = run(tmp_path)
    assert plan.fixes == [] and plan.diagnostics == []


# ---------------------------------------------------------------- git history


def test_where_path_went_follows_a_chain_of_renames(tmp_path: Path) -> None:
    commit(tmp_path, {"a/image.py": MODEL}, "Add", 0)
    commit(tmp_path, {}, "First rename", 1, moves={"a/image.py": "a/model.py"})
    commit(tmp_path, {}, "Second rename", 2, moves={"a/model.py": "b/model.py"})
    repo = find_repo(tmp_path)
    assert repo is not None
    chain = where_path_went(repo, "a/image.py")
    assert [(r.old, r.new, r.commit.subject) for r in chain] == [
        ("a/image.py", "a/model.py", "First rename"),
        ("a/model.py", "b/model.py", "Second rename"),
    ]
    assert where_path_went(repo, "b/model.py") == ()


def test_renamed_module_and_identical_class_is_a_safe_fix(tmp_path: Path) -> None:
    renamed_model_repo(
        tmp_path,
        MODEL.replace("class Image", "class Model"),
        """\
        def load():
            from app.models.image import Image  # lazy: avoids a cycle

            return Image
        """,
    )
    project, plan = run(tmp_path)
    [fix] = plan.fixes
    assert fix.safe
    assert "Model as Image" in fix.explanation
    assert any(p.subject == "Rename image to model" for p in fix.provenance)
    after = applied(project, plan)
    assert (
        "    from app.models.model import Model as Image  # lazy: avoids a cycle\n"
        in (after.files["app/main.py"])
    )
    assert run_plan_on(after).fixes == []


def test_class_rename_with_changed_body_is_unsafe(tmp_path: Path) -> None:
    renamed_model_repo(
        tmp_path,
        MODEL.replace("class Image", "class Model").replace('"images"', '"models"'),
        "from app.models.image import Image\n",
    )
    _, plan = run(tmp_path)
    [fix] = plan.fixes
    assert not fix.safe
    assert fix.changes[0].after == "from app.models.model import Model as Image\n"


def test_no_class_rename_guessed_when_two_classes_appeared(tmp_path: Path) -> None:
    renamed_model_repo(
        tmp_path,
        MODEL.replace("class Image", "class Model") + "\n\nclass Tag(Base):\n    pass\n",
        "from app.models.image import Image\n",
    )
    _, plan = run(tmp_path)
    assert plan.fixes == []
    [diagnostic] = plan.diagnostics
    assert diagnostic.path == "app/main.py" and diagnostic.line == 1
    assert "no project module defines `Image`" in diagnostic.message


def test_string_references_follow_the_class_rename(tmp_path: Path) -> None:
    renamed_model_repo(
        tmp_path,
        MODEL.replace("class Image", "class Model"),
        """\
        from app.models.image import Image

        TARGET = "app.models.image.Image"
        """,
    )
    project, plan = run(tmp_path)
    after = applied(project, plan)
    assert after.files["app/main.py"] == (
        'from app.models.model import Model as Image\n\nTARGET = "app.models.model.Model"\n'
    )


def test_attribute_use_of_a_renamed_class_is_reported(tmp_path: Path) -> None:
    renamed_model_repo(
        tmp_path,
        MODEL.replace("class Image", "class Model"),
        """\
        import app.models.image

        KIND = app.models.image.Image
        """,
    )
    _, plan = run(tmp_path)
    assert plan.fixes == []
    [diagnostic] = plan.diagnostics
    assert "attribute uses are not renamed" in diagnostic.message


def test_submodule_imported_from_its_package(tmp_path: Path) -> None:
    renamed_model_repo(
        tmp_path,
        MODEL + "\n\nKIND = 'model'\n",
        """\
        from app.models import image

        print(image.Image)
        """,
    )
    project, plan = run(tmp_path)
    after = applied(project, plan)
    assert after.files["app/main.py"] == "from app.models import model\n\nprint(model.Image)\n"


def test_rename_to_a_file_deleted_since_falls_back_to_search(tmp_path: Path) -> None:
    renamed_model_repo(tmp_path, MODEL, "from app.models.image import Image\n")
    (tmp_path / "app/models/model.py").unlink()
    media = "class Image:\n    kind = 'media'\n"  # too different for git to see a rename
    commit(tmp_path, {"app/models/media.py": media}, "Move images to media", 2)
    project, plan = run(tmp_path)
    [fix] = plan.fixes
    assert "defined in `app.models.media`" in fix.explanation
    assert applied(project, plan).files["app/main.py"] == "from app.models.media import Image\n"


def test_two_missing_modules_in_one_file(tmp_path: Path) -> None:
    commit(
        tmp_path,
        {
            **BASE,
            "app/models/model.py": MODEL,
            "app/schemas.py": "class ImageOut:\n    pass\n",
            "app/main.py": "from app.models.image import Image\nfrom app.schema import ImageOut\n",
        },
        "Add",
        0,
    )
    project, plan = run(tmp_path)
    assert len(plan.fixes) == 2
    after = applied(project, plan)
    assert after.files["app/main.py"] == (
        "from app.models.model import Image\nfrom app.schemas import ImageOut\n"
    )


def test_star_import_without_git_rename_is_reported(tmp_path: Path) -> None:
    commit(
        tmp_path,
        {**BASE, "app/models/model.py": MODEL, "app/main.py": "from app.models.image import *\n"},
        "Add",
        0,
    )
    _, plan = run(tmp_path)
    assert plan.fixes == []
    [diagnostic] = plan.diagnostics
    assert "does not say which names it needs" in diagnostic.message


def run_plan_on(project: Project) -> Plan:
    ctx = FixerContext(
        project=project,
        options={},
        cache=Cache(None, "moved-modules"),
        config=Config(),
        history=History.of(project, use_cache=False),
    )
    return propose(moved_modules.plan, ctx)


def test_relative_import_in_a_non_fallback_try_is_fixed(tmp_path: Path) -> None:
    commit(
        tmp_path,
        {
            **BASE,
            "app/models/model.py": MODEL,
            "app/models/views.py": """\
                try:
                    from .image import Image
                except KeyError:
                    Image = None
            """,
        },
        "Add",
        0,
    )
    project, plan = run(tmp_path)
    after = applied(project, plan)
    assert "    from .model import Image\n" in after.files["app/models/views.py"]

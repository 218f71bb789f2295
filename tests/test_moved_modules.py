"""moved-modules: unit tests on real git repositories (the golden cases cover the CLI)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

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


# ---------------------------------------------------------------- the one definer of the app

DEPS = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/auth/__init__.py": "",
    "app/api/__init__.py": "",
    "app/core/deps.py": "def get_db():\n    return {}\n\n\ndef require_user(user):\n    return user\n",
    "app/auth/permissions.py": "def require_admin(user=None):\n    return user\n",
}

ROUTER = """\
from fastapi import Depends

from app.core.deps import get_db, require_admin


def delete(db=Depends(get_db), admin=Depends(require_admin)):
    return db, admin
"""


def test_split_keeps_the_names_the_module_binds(tmp_path: Path) -> None:
    commit(tmp_path, {**DEPS, "app/api/releases.py": ROUTER}, "Add", 0)
    project, plan = run(tmp_path)
    [fix] = plan.fixes
    assert fix.safe
    assert fix.title == "Import require_admin from app.auth.permissions, not from app.core.deps"
    assert [p.path for p in fix.provenance] == ["app/auth/permissions.py"]
    assert "app/auth/permissions.py:1" in fix.provenance[0].description
    after = applied(project, plan)
    assert after.files["app/api/releases.py"].startswith(
        "from fastapi import Depends\n\n"
        "from app.core.deps import get_db\n"
        "from app.auth.permissions import require_admin\n"
    )
    assert run_plan_on(after).fixes == []


def test_missing_module_redirected_to_the_one_definer_is_safe(tmp_path: Path) -> None:
    router = ROUTER.replace(
        "from app.core.deps import get_db, require_admin",
        "from app.deps import require_admin\nfrom app.core.deps import get_db",
    )
    commit(tmp_path, {**DEPS, "app/api/releases.py": router}, "Add", 0)
    project, plan = run(tmp_path)
    [fix] = plan.fixes
    assert fix.safe
    assert "the one module of this app that defines them" in fix.explanation
    after = applied(project, plan)
    assert "from app.auth.permissions import require_admin\n" in after.files["app/api/releases.py"]


def test_no_redirect_into_a_module_with_runtime_names(tmp_path: Path) -> None:
    for i, runtime in enumerate(
        [
            "def __getattr__(name):\n    raise AttributeError(name)\n",
            "globals()['require_admin'] = print\n",
        ]
    ):
        root = tmp_path / str(i)
        root.mkdir()
        deps = {**DEPS, "app/core/deps.py": DEPS["app/core/deps.py"] + runtime}
        commit(root, {**deps, "app/api/releases.py": ROUTER}, "Add", 0)
        _, plan = run(root)
        assert plan.fixes == [] and plan.diagnostics == []


def test_no_redirect_into_a_module_with_a_stub(tmp_path: Path) -> None:
    stub = "def get_db() -> dict: ...\ndef require_admin(user: object = ...) -> object: ...\n"
    commit(tmp_path, {**DEPS, "app/core/deps.pyi": stub, "app/api/releases.py": ROUTER}, "Add", 0)
    _, plan = run(tmp_path)
    assert plan.fixes == [] and plan.diagnostics == []


def test_name_written_into_the_module_by_another_file_is_not_broken(tmp_path: Path) -> None:
    core_init = "from app.auth.permissions import require_admin\nfrom app.core import deps\n\ndeps.require_admin = require_admin\n"
    commit(
        tmp_path,
        {**DEPS, "app/core/__init__.py": core_init, "app/api/releases.py": ROUTER},
        "Add",
        0,
    )
    _, plan = run(tmp_path)
    assert plan.fixes == [] and plan.diagnostics == []


def test_several_definers_reported_with_paths_and_lines(tmp_path: Path) -> None:
    guards = "\n\ndef require_admin(user=None):\n    return None\n"
    commit(
        tmp_path,
        {**DEPS, "app/auth/guards.py": guards, "app/api/releases.py": ROUTER},
        "Add",
        0,
    )
    _, plan = run(tmp_path)
    assert plan.fixes == []
    [diagnostic] = plan.diagnostics
    assert diagnostic.path == "app/api/releases.py" and diagnostic.line == 3
    assert (
        "app.auth.guards (app/auth/guards.py:3), app.auth.permissions "
        "(app/auth/permissions.py:1)" in diagnostic.message
    )
    assert "did you mean" not in diagnostic.message


def test_no_redirect_into_another_app(tmp_path: Path) -> None:
    files = {}
    for service in ("billing", "users"):
        files[f"services/{service}/Dockerfile"] = 'CMD ["uvicorn", "app.main:app"]\n'
        files[f"services/{service}/app/__init__.py"] = ""
        files[f"services/{service}/app/core/__init__.py"] = ""
        files[f"services/{service}/app/core/deps.py"] = "def get_db():\n    return {}\n"
    files["services/users/app/auth/__init__.py"] = ""
    files["services/users/app/auth/permissions.py"] = DEPS["app/auth/permissions.py"]
    files["services/billing/app/main.py"] = ROUTER
    commit(tmp_path, files, "Add", 0)
    _, plan = run(tmp_path)
    assert plan.fixes == []
    [diagnostic] = plan.diagnostics
    assert diagnostic.severity == "info"
    assert "defined only in other apps" in diagnostic.message
    assert "services/users/app/auth/permissions.py:1" in diagnostic.message


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        pytest.param(
            {
                "shared/__init__.py": "",
                "shared/security.py": "def require_owner(user=None):\n    return user\n",
                "app/api/items.py": "from app.security import require_owner\n",
            },
            "found in another package tree (shared.security)",
            id="another-package-tree",
        ),
        pytest.param(
            {
                "app/tests/__init__.py": "",
                "app/tests/factories.py": "class UserFactory:\n    pass\n",
                "app/api/items.py": "from app.factories import UserFactory\n",
            },
            "defined in a test, bench or example file (app/tests/factories.py)",
            id="tests-folder",
        ),
    ],
)
def test_a_definer_outside_the_app_code_makes_the_redirect_unsafe(
    tmp_path: Path, extra: dict[str, str], reason: str
) -> None:
    commit(tmp_path, {**DEPS, **extra}, "Add", 0)
    _, plan = run(tmp_path)
    [fix] = plan.fixes
    assert not fix.safe
    assert reason in fix.explanation


def test_native_extension_twin_makes_the_redirect_unsafe(tmp_path: Path) -> None:
    # SQLAlchemy's shape: the removed compiled module, its .pyx twin, the pure-Python class.
    files = {
        "lib/pkg/__init__.py": "",
        "lib/pkg/util/__init__.py": "",
        "lib/pkg/util/_py_collections.py": "class immutabledict(dict):\n    pass\n",
        "lib/pkg/cyextension/__init__.py": "",
        "lib/pkg/cyextension/immutabledict.pyx": "cdef class immutabledict(dict):\n    pass\n",
        "pyproject.toml": '[tool.setuptools]\npackage-dir = {"" = "lib"}\n',
        "test/perf/compiled.py": "def load():\n    from pkg.cimmutabledict import immutabledict\n\n    return immutabledict\n",
    }
    commit(tmp_path, files, "Add", 0)
    _, plan = run(tmp_path)
    [fix] = plan.fixes
    assert not fix.safe
    assert "lib/pkg/cyextension/immutabledict.pyx may be what the import meant" in fix.explanation


def test_subclassed_name_defined_by_an_assignment_is_unsafe(tmp_path: Path) -> None:
    files = {
        **DEPS,
        "app/db.py": "Base = object\n",
        "app/models.py": "from app.database import Base\n\n\nclass User(Base):\n    pass\n",
    }
    commit(tmp_path, files, "Add", 0)
    _, plan = run(tmp_path)
    [fix] = plan.fixes
    assert not fix.safe
    assert "`Base` is used as a class but app/db.py:1 defines it by an assignment" in (
        fix.explanation
    )


def test_did_you_mean_names_only_close_spellings_of_the_same_kind() -> None:
    from fixup.fixers._definers import did_you_mean

    assert did_you_mean("require_admin", {"require_user": "function", "get_db": "function"}) == ""
    assert did_you_mean("UserCreate", {"UsersCreate": "class"}) == "; did you mean `UsersCreate`?"
    assert did_you_mean("UserCreate", {"usercreate": "function"}) == ""


# ---------------------------------------------------------------- package renames


def test_package_renamed_at_the_root_repairs_every_importer(tmp_path: Path) -> None:
    package = {
        "myapp/__init__.py": '"""The app."""\n',
        "myapp/models.py": "class User:\n    table = 'users'\n",
        "myapp/views.py": "from myapp.models import User\n\n\ndef show():\n    return User\n",
    }
    commit(
        tmp_path,
        {**package, "migrate.py": "import myapp.models\n\nprint(myapp.models.User)\n"},
        "Add",
        0,
    )
    moves = {old: old.replace("myapp/", "my_app/") for old in package}
    commit(
        tmp_path,
        {"my_app/views.py": package["myapp/views.py"].replace("myapp", "my_app")},
        "Rename myapp to my_app",
        1,
        moves=moves,
    )
    project, plan = run(tmp_path)
    [fix] = plan.fixes
    assert fix.safe and fix.renamed_away == frozenset({"myapp"})
    assert "the package myapp/ was renamed to my_app/" in fix.provenance[0].description
    after = applied(project, plan)
    assert after.files["migrate.py"] == "import my_app.models\n\nprint(my_app.models.User)\n"
    assert run_plan_on(after).fixes == []


def test_renamed_package_without_history_falls_back_to_search(tmp_path: Path) -> None:
    files = {
        "service/__init__.py": "",
        "service/models.py": "class User:\n    pass\n",
        "alembic/env.py": "from app.models import User\n",
    }
    write(tmp_path, files)  # no git: the rename cannot be seen
    project = Project.load(tmp_path, Config())
    plan = run_plan_on(project)
    # `app` is no project package today: without history nothing says the import is the
    # project's, so it is left alone (it could be an installed package).
    assert plan.fixes == []


def test_split_keeps_each_comment_with_its_name(tmp_path: Path) -> None:
    routes = (
        "from .deps import (\n"
        "    get_db,  # the session\n"
        "    require_admin,  # admins only\n"
        ")\n\nprint(get_db, require_admin)\n"
    )
    commit(tmp_path, {**DEPS, "app/core/routes.py": routes}, "Add", 0)
    project, plan = run(tmp_path)
    after = applied(project, plan)
    assert after.files["app/core/routes.py"].startswith(
        "from .deps import (\n"
        "    get_db,  # the session\n"
        ")\n"
        "from app.auth.permissions import (\n"
        "    require_admin,  # admins only\n"
        ")\n"
    )

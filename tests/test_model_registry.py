"""model-registry: unit tests on real git repositories (the golden cases cover the CLI)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from fixup.cache import Cache
from fixup.config import Config
from fixup.fix import Plan
from fixup.fixers import FixerContext, model_registry
from fixup.pipeline import propose
from fixup.project import Project
from tests.golden import build_project, collect, git, import_modules

BASE = """\
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
"""


def model(name: str, table: str, *, base: str = "from app.db import Base", extra: str = "") -> str:
    return (
        f"{extra}{base}\n\n\nclass {name}(Base):\n"
        f'    __tablename__ = "{table}"\n\n    id = Column(Integer, primary_key=True)\n'
    )


def run(root: Path, files: dict[str, str]) -> tuple[Project, Plan]:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Add", date=0)
    project = Project.load(root, Config())
    ctx = FixerContext(
        project=project, options={}, cache=Cache(None, "model-registry"), config=Config()
    )
    return project, propose(model_registry.plan, ctx)


def after(project: Project, plan: Plan, path: str) -> str:
    for fix in plan.fixes:
        project = project.apply(fix)
    ast.parse(project.files[path])
    return project.files[path]


def check_transformed(tmp_path: Path, files: dict[str, str], path: str, expected: str) -> Plan:
    project, plan = run(tmp_path, files)
    assert after(project, plan, path) == textwrap.dedent(expected)
    # A second run on the result proposes nothing.
    again = project
    for fix in plan.fixes:
        again = again.apply(fix)
    ctx = FixerContext(
        project=again, options={}, cache=Cache(None, "model-registry"), config=Config()
    )
    assert propose(model_registry.plan, ctx).fixes == []
    return plan


def check_noop(tmp_path: Path, files: dict[str, str]) -> Plan:
    _, plan = run(tmp_path, files)
    assert plan.fixes == []
    return plan


APP = {
    "app/__init__.py": "",
    "app/db.py": BASE,
    "app/models/project.py": model("Project", "projects"),
    "app/models/task.py": model("Task", "tasks"),
}


# ---------------------------------------------------------------- no-ops


def test_noop_without_a_registry(tmp_path: Path) -> None:
    # Models imported where they are used, no registry, no env.py: nothing is broken.
    plan = check_noop(
        tmp_path,
        {
            **APP,
            "app/models/__init__.py": '"""Models."""\n',
            "app/main.py": "from app.models.project import Project\n\n\ndef main():\n    return Project\n",
        },
    )
    assert plan.diagnostics == []


def test_noop_registry_importing_modules_at_run_time(tmp_path: Path) -> None:
    check_noop(
        tmp_path,
        {
            **APP,
            "app/models/__init__.py": """\
                import importlib
                import pkgutil

                from .project import Project

                for info in pkgutil.iter_modules(__path__):
                    importlib.import_module(f"{__name__}.{info.name}")
                """,
        },
    )


def test_noop_model_of_another_base_and_tests_models(tmp_path: Path) -> None:
    other = "from sqlalchemy.orm import declarative_base\n\nOtherBase = declarative_base()\n"
    check_noop(
        tmp_path,
        {
            **APP,
            "app/models/__init__.py": "from .project import Project\nfrom .task import Task\n",
            "app/models/legacy.py": other
            + "\n\nclass Old(OtherBase):\n    __tablename__ = 'old'\n",
            "tests/models/test_scratch.py": model("Scratch", "scratch"),
        },
    )


def test_noop_abstract_class_and_mixin(tmp_path: Path) -> None:
    check_noop(
        tmp_path,
        {
            **APP,
            "app/models/__init__.py": "from .project import Project\nfrom .task import Task\n",
            "app/models/mixins.py": """\
                from app.db import Base


                class Timestamped(Base):
                    __abstract__ = True
                    __tablename__ = None


                class Named:
                    __tablename__ = "never"
                """,
        },
    )


# ---------------------------------------------------------------- package registries


def test_adds_relative_import_and_keeps_all_in_sync(tmp_path: Path) -> None:
    plan = check_transformed(
        tmp_path,
        {
            **APP,
            "app/models/__init__.py": """\
                # The models, for alembic.
                from .project import Project

                __all__ = ["Project"]
                """,
        },
        "app/models/__init__.py",
        """\
        # The models, for alembic.
        from .project import Project
        from .task import Task

        __all__ = ["Project", "Task"]
        """,
    )
    [fix] = plan.fixes
    assert fix.safe and fix.title == "Import 1 missing model module in app/models/__init__.py"
    assert "app.db.Base.metadata" in fix.explanation
    assert [p.path for p in fix.provenance] == ["app/models/task.py"]


def test_adds_submodule_import_in_sorted_place(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        {
            **APP,
            "app/models/user.py": model("User", "users"),
            "app/models/__init__.py": """\
                \"\"\"Models.\"\"\"

                # every model module
                from . import project
                from . import user

                __all__ = ("project", "user")
                """,
        },
        "app/models/__init__.py",
        """\
        \"\"\"Models.\"\"\"

        # every model module
        from . import project
        from . import task
        from . import user

        __all__ = ("project", "task", "user")
        """,
    )


def test_all_that_does_not_list_the_models_is_left_alone(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        {
            **APP,
            "app/models/__init__.py": """\
                from app.db import Base
                from app.models.project import Project

                __all__ = ["Base"]
                """,
        },
        "app/models/__init__.py",
        """\
        from app.db import Base
        from app.models.project import Project
        from app.models.task import Task

        __all__ = ["Base"]
        """,
    )


def test_cycle_is_reported_and_env_py_imports_the_module_itself(tmp_path: Path) -> None:
    project, plan = run(
        tmp_path,
        {
            **APP,
            "app/models/task.py": model("Task", "tasks", extra="from app.models import Project\n"),
            "app/models/__init__.py": "from .project import Project\n",
            "alembic/env.py": "from app import models\nfrom app.db import Base\n\ntarget_metadata = Base.metadata\n",
        },
    )
    [diagnostic] = plan.diagnostics
    assert diagnostic.path == "app/models/__init__.py" and diagnostic.line == 1
    assert "app.models.task (Task)" in diagnostic.message and "import cycle" in diagnostic.message
    [fix] = plan.fixes
    assert fix.paths == ("alembic/env.py",)
    assert after(project, plan, "alembic/env.py") == (
        "from app import models\nfrom app.db import Base\n"
        "from app.models.task import Task  # noqa: F401\n\ntarget_metadata = Base.metadata\n"
    )


def test_cycle_through_another_module_is_reported(tmp_path: Path) -> None:
    _, plan = run(
        tmp_path,
        {
            **APP,
            "app/models/task.py": model("Task", "tasks", extra="from app.services import helper\n"),
            "app/services.py": "from app.models import Project\n\nhelper = Project\n",
            "app/models/__init__.py": "from .project import Project\n",
        },
    )
    assert plan.fixes == []
    [diagnostic] = plan.diagnostics
    assert "import cycle" in diagnostic.message


def test_import_inside_a_function_is_no_cycle(tmp_path: Path) -> None:
    lazy = "def owner():\n    from app.models import Project\n\n    return Project\n\n\n"
    check_transformed(
        tmp_path,
        {
            **APP,
            "app/models/task.py": model("Task", "tasks") + "\n\n" + lazy,
            "app/models/__init__.py": "from .project import Project\n",
        },
        "app/models/__init__.py",
        "from .project import Project\nfrom .task import Task\n",
    )


def test_name_the_registry_already_binds_is_reported(tmp_path: Path) -> None:
    _, plan = run(
        tmp_path,
        {
            **APP,
            "app/models/__init__.py": "from .project import Project\n\nTask = None\n",
        },
    )
    assert plan.fixes == []
    [diagnostic] = plan.diagnostics
    assert "would rebind Task" in diagnostic.message


# ---------------------------------------------------------------- module registries, env.py


def test_db_base_registry_follows_its_style_and_base_through_reexports(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        {
            **APP,
            "app/models/__init__.py": "from app.db import Base\n",
            # Task's Base comes through the package's re-export: the same metadata.
            "app/models/task.py": model("Task", "tasks", base="from app.models import Base"),
            "app/models/links.py": (
                "from sqlalchemy import Table\n\nfrom app.db import Base\n\n"
                "links = Table('links', Base.metadata)\n"
            ),
            "app/db_registry.py": """\
                from app.db import Base  # noqa
                from app.models.project import Project  # noqa
                """,
        },
        "app/db_registry.py",
        """\
        from app.db import Base  # noqa
        from app.models.links import links  # noqa
        from app.models.project import Project  # noqa
        from app.models.task import Task  # noqa
        """,
    )


ENV = """\
from app.db import Base
from app.models.model import Model  # noqa: F401

target_metadata = Base.metadata
"""


def alembic_files(init: str) -> dict[str, str]:
    return {
        "backend/app/__init__.py": "",
        "backend/app/db.py": BASE,
        "backend/app/models/__init__.py": init,
        "backend/app/models/model.py": model("Model", "models"),
        "backend/app/models/artifact.py": model("Artifact", "artifacts"),
        "backend/app/models/mixins.py": "class Timestamped:\n    pass\n",
        "backend/alembic/env.py": ENV,
    }


def test_env_py_missing_a_model_module_gets_its_import(tmp_path: Path) -> None:
    plan = check_transformed(
        tmp_path,
        alembic_files(""),
        "backend/alembic/env.py",
        """\
        from app.db import Base
        from app.models.artifact import Artifact  # noqa: F401
        from app.models.model import Model  # noqa: F401

        target_metadata = Base.metadata
        """,
    )
    [fix] = plan.fixes
    assert "mixins" not in fix.explanation  # no tables there
    assert "autogenerate" in fix.explanation


def test_env_py_reaching_models_through_the_package_init(tmp_path: Path) -> None:
    init = "from app.models.artifact import Artifact\nfrom app.models.model import Model\n"
    plan = check_noop(tmp_path, alembic_files(init))
    assert plan.diagnostics == []


def test_env_py_named_by_alembic_ini_and_sqlmodel_tables(tmp_path: Path) -> None:
    hero = (
        "from sqlmodel import Field, SQLModel\n\n\nclass HeroBase(SQLModel):\n    name: str\n\n\n"
    )
    check_transformed(
        tmp_path,
        {
            "alembic.ini": "[alembic]\nscript_location = %(here)s/db/migrate\n",
            "app/__init__.py": "",
            "app/hero.py": hero
            # Spelled with spaces: found by the index, not by a text search for `table=True`.
            + "class Hero(HeroBase, table = True):\n    id: int = Field(primary_key=True)\n",
            "app/team.py": "from sqlmodel import SQLModel\n\n\nclass Team(SQLModel, table=True):\n    id: int\n",
            "app/schemas.py": "from sqlmodel import SQLModel\n\n\nclass TeamRead(SQLModel):\n    id: int\n",
            "db/migrate/env.py": "import sqlmodel\n\nimport app.team\n\ntarget_metadata = sqlmodel.SQLModel.metadata\n",
        },
        "db/migrate/env.py",
        "import sqlmodel\n\nimport app.hero\nimport app.team\n\ntarget_metadata = sqlmodel.SQLModel.metadata\n",
    )


def test_flask_sqlalchemy_models_and_another_app_are_told_apart(tmp_path: Path) -> None:
    db = "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n"
    flask_model = (
        "from app.extensions import db\n\n\nclass {0}(db.Model):\n    __tablename__ = '{1}'\n"
    )
    check_transformed(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/extensions.py": db,
            "app/models/__init__.py": "from app.models.user import User\n",
            "app/models/user.py": flask_model.format("User", "users"),
            "app/models/post.py": flask_model.format("Post", "posts"),
            # Another app with its own `app` package: never this registry's business.
            "worker/app/__init__.py": "",
            "worker/app/models/note.py": flask_model.format("Note", "notes"),
        },
        "app/models/__init__.py",
        "from app.models.post import Post\nfrom app.models.user import User\n",
    )


def test_imports_under_type_checking_do_not_count(tmp_path: Path) -> None:
    # project.py names Task in annotations only: at run time nothing imports task.py.
    typed = "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from .task import Task\n"
    check_transformed(
        tmp_path,
        {
            **APP,
            "app/models/project.py": model("Project", "projects", extra=typed),
            "app/models/__init__.py": "from .project import Project\n",
        },
        "app/models/__init__.py",
        "from .project import Project\nfrom .task import Task\n",
    )


def test_a_module_reexporting_one_model_is_no_registry(tmp_path: Path) -> None:
    plan = check_noop(
        tmp_path,
        {
            **APP,
            "app/compat.py": '"""Old import path."""\n\nfrom app.models.project import Project\n',
        },
    )
    assert plan.diagnostics == []


def test_package_init_that_maps_tables_itself(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        {
            **APP,
            "app/models/__init__.py": model(
                "Setting", "settings", extra="from .project import Project\n"
            ),
        },
        "app/models/__init__.py",
        model(
            "Setting", "settings", extra="from .project import Project\nfrom .task import Task\n"
        ),
    )


def test_tables_on_a_metadata_object(tmp_path: Path) -> None:
    db = (
        "from sqlalchemy import MetaData\nfrom sqlalchemy.orm import declarative_base\n\n"
        "metadata = MetaData()\nBase = declarative_base(metadata=metadata)\n"
    )
    check_transformed(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db.py": db,
            "app/models/__init__.py": "",
            "app/models/project.py": model("Project", "projects"),
            "app/models/tags.py": (
                "from sqlalchemy import Table\n\nfrom app.db import metadata\n\n"
                "tags = Table('tags', metadata)\n"
            ),
            "app/models/other.py": (
                "from sqlalchemy import MetaData, Table\n\nreports = MetaData()\n"
                "report_rows = Table('report_rows', reports)\n"
            ),
            "migrations/env.py": (
                "from app.db import metadata\nfrom app.models import project  # noqa: F401\n\n"
                "target_metadata = metadata\n"
            ),
        },
        "migrations/env.py",
        (
            "from app.db import metadata\nfrom app.models import project  # noqa: F401\n"
            "from app.models import tags  # noqa: F401\n\ntarget_metadata = metadata\n"
        ),
    )


def test_seed_002_golden_case_fails_before_the_fix(tmp_path: Path) -> None:
    """The golden case's check runs in alembic's folder, where `fixup doctor` does not look, so
    the harness cannot prove it fails before the fix (imports_fail_before = false): this does."""
    [case] = [c for c in collect() if c.path.name == "fix_seed_002_env_py_imports_models"]
    result = import_modules(case, build_project(case, tmp_path))
    assert result.returncode != 0
    assert "expression 'Artifact' failed to locate a name" in result.stderr


def test_a_second_copy_of_a_model_is_reported_not_imported(tmp_path: Path) -> None:
    # users.py and user.py both map `users`: importing both dies with "Table 'users' is
    # already defined"; which copy lives is duplicate-models' decision.
    _, plan = run(
        tmp_path,
        {
            **APP,
            "app/models/users.py": model("Member", "users"),
            "app/models/user.py": model("User", "users"),
            "app/models/__init__.py": "from .project import Project\nfrom .task import Task\nfrom .users import Member\n",
        },
    )
    assert plan.fixes == []
    [diagnostic] = plan.diagnostics
    assert "app/models/users.py maps the same table 'users'" in diagnostic.message


def test_registry_that_imports_a_missing_module_is_left_to_moved_modules(tmp_path: Path) -> None:
    plan = check_noop(
        tmp_path,
        {
            **APP,
            "app/models/__init__.py": "from .image import Image\nfrom .project import Project\n",
        },
    )
    assert plan.diagnostics == []


def test_env_py_of_the_tests_is_no_registry(tmp_path: Path) -> None:
    check_noop(
        tmp_path,
        {
            **APP,
            "tests/alembic/env.py": "from app.db import Base\nfrom app.models import project\n\ntarget_metadata = Base.metadata\n",
        },
    )


def test_joins_a_parenthesized_import_of_several_modules(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        {
            **APP,
            "app/models/user.py": model("User", "users"),
            "app/models/__init__.py": """\
                from app.models import (  # every model module
                    project,
                    user,
                )
                """,
        },
        "app/models/__init__.py",
        """\
        from app.models import (  # every model module
            project,
            task,
            user,
        )
        """,
    )


def test_joins_a_one_line_import_of_several_modules(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        {
            **APP,
            "app/models/user.py": model("User", "users"),
            "app/models/zone.py": model("Zone", "zones"),
            "app/models/__init__.py": "from . import project, user\n",
        },
        "app/models/__init__.py",
        "from . import project, task, user, zone\n",
    )

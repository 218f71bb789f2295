"""duplicate-models: the fixer's decisions, its codemods, and the seed app starting after the fix."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest

from fixup.cache import Cache
from fixup.codemods.merge_definitions import MergePlan, merge, needed_imports
from fixup.codemods.rewrite_imports import ModuleMove, RewriteError, rewrite_references
from fixup.codemods.sqlalchemy_models import drop_extend_existing, read_models
from fixup.fix import Plan
from fixup.fixers import FixerContext, get_fixer
from fixup.fixers._live_copy import Liveness, decide, entry_points, migration_columns
from fixup.index import ProjectIndex
from fixup.pipeline import propose
from fixup.project import Project
from tests.golden import GOLDEN, build_project, collect, run_cli

BASE = """\
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
"""


def plan(files: dict[str, str], tmp_path: Path) -> tuple[Plan, Project]:
    # The app loads every module (as a running backend does): copies meet in one metadata.
    modules = [
        p.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        for p in files
        if p.endswith(".py") and "-" not in p
    ]
    entry = "".join(f"import {m}  # noqa: F401\n" for m in modules)
    project = Project.from_files(tmp_path, {**files, "run_app.py": entry})
    fixer = get_fixer("duplicate-models")
    ctx = FixerContext(project=project, options={}, cache=Cache(None, "duplicate-models"))
    return propose(fixer.plan, ctx), project


def after(files: dict[str, str], tmp_path: Path) -> dict[str, str]:
    result, project = plan(files, tmp_path)
    for fix in result.fixes:
        project = project.apply(fix)
    for text in project.files.values():
        ast.parse(text)
    return dict(project.files)


def model(name: str, table: str, *columns: str, extra: str = "") -> str:
    body = "\n".join(f"    {c}" for c in columns)
    return (
        "from sqlalchemy import Column, Integer, String\n\n"
        "from app.models.base import Base\n\n\n"
        f"class {name}(Base):\n    __tablename__ = {table!r}\n{extra}\n"
        f"    id = Column(Integer, primary_key=True)\n{body}\n"
    )


def package(**modules: str) -> dict[str, str]:
    files = {"app/__init__.py": "", "app/models/__init__.py": "", "app/models/base.py": BASE}
    files.update({f"app/models/{name}.py": text for name, text in modules.items()})
    return files


# -------------------------------------------------------------------- no-op cases


def test_noop_siblings_that_define_different_things(tmp_path: Path) -> None:
    files = package(
        action=model("ActionLog", "action_logs", "line = Column(String(100))"),
        actions=model("Action", "actions", "name = Column(String(100))"),
    )
    result, _ = plan(files, tmp_path)
    assert result.fixes == []
    assert result.diagnostics == []


def test_noop_unrelated_names_mapping_different_tables(tmp_path: Path) -> None:
    files = package(
        user=model("User", "users", "email = Column(String(100))"),
        users_archive=model("ArchivedUser", "archived_users", "email = Column(String(100))"),
    )
    assert plan(files, tmp_path)[0].fixes == []


def test_noop_second_run_after_collapse(tmp_path: Path) -> None:
    files = package(
        user=model("User", "users", "email = Column(String(100))"),
        users=model("User", "users", "email = Column(String(100))"),
    )
    repaired = after(files, tmp_path)
    assert plan(repaired, tmp_path)[0].fixes == []


# -------------------------------------------------------------------- choosing the canonical module


def test_keeps_the_module_the_package_init_exports(tmp_path: Path) -> None:
    files = package(
        user=model("User", "users", "email = Column(String(100))"),
        users=model("User", "users", "email = Column(String(100))"),
    )
    files["app/models/__init__.py"] = "from app.models.user import User\n"
    result, _ = plan(files, tmp_path)
    (fix,) = result.fixes
    assert fix.title == "Collapse app/models/users.py into app/models/user.py"
    assert "the package __init__ imports from it" in fix.explanation
    assert {c.path: c.after for c in fix.changes}["app/models/users.py"] is None


def test_keeps_the_more_complete_definition(tmp_path: Path) -> None:
    files = package(
        user=model("User", "users", "email = Column(String(100))", "name = Column(String(100))"),
        users=model("User", "users", "email = Column(String(100))"),
    )
    (fix,) = plan(files, tmp_path)[0].fixes
    assert fix.title == "Collapse app/models/users.py into app/models/user.py"
    assert "more complete" in fix.explanation


def test_keeps_the_module_more_modules_import(tmp_path: Path) -> None:
    files = package(
        user=model("User", "users", "email = Column(String(100))"),
        users=model("User", "users", "email = Column(String(100))"),
    )
    files["app/auth.py"] = "from app.models.user import User\n"
    files["app/admin.py"] = "from app.models import user\n\nADMIN = user.User\n"
    files["app/api.py"] = "from app.models.users import User\n"
    (fix,) = plan(files, tmp_path)[0].fixes
    assert fix.title == "Collapse app/models/users.py into app/models/user.py"
    assert "more modules import it (3 against 2)" in fix.explanation  # run_app.py too


def test_keeps_the_plural_name_when_nothing_else_decides(tmp_path: Path) -> None:
    files = package(
        device=model("Device", "devices", "name = Column(String(100))"),
        devices=model("Device", "devices", "name = Column(String(100))"),
    )
    (fix,) = plan(files, tmp_path)[0].fixes
    assert fix.title == "Collapse app/models/device.py into app/models/devices.py"
    assert "plural" in fix.explanation


def test_keeps_the_copy_without_a_stale_suffix(tmp_path: Path) -> None:
    files = package(
        user=model("User", "users", "email = Column(String(100))"),
        user_old=model("User", "users", "email = Column(String(100))"),
    )
    (fix,) = plan(files, tmp_path)[0].fixes
    assert fix.title == "Collapse app/models/user_old.py into app/models/user.py"
    assert "stale" in fix.explanation


def test_reports_a_pair_no_rule_can_choose_from(tmp_path: Path) -> None:
    files = package(
        user_v1=model("User", "users", "email = Column(String(100))"),
        user_v2=model("User", "users", "email = Column(String(100))"),
    )
    result, _ = plan(files, tmp_path)
    assert result.fixes == []
    assert any("no rule picks the one to keep" in d.message for d in result.diagnostics)


# -------------------------------------------------------------------- merging and conflicts


def test_merges_a_column_only_the_duplicate_has(tmp_path: Path) -> None:
    files = package(
        user=model("User", "users", "email = Column(String(100))", "nickname = Column(String(50))"),
        users=model("User", "users", "email = Column(String(100))", "created = Column(Integer)"),
    )
    repaired = after(files, tmp_path)
    assert "app/models/user.py" not in repaired
    text = repaired["app/models/users.py"]
    assert text.index("email =") < text.index("nickname =") < text.index("created =")


def test_reports_a_column_defined_differently_and_changes_nothing(tmp_path: Path) -> None:
    files = package(
        user=model("User", "users", "email = Column(String(100))"),
        users=model("User", "users", "email = Column(String(255))"),
    )
    result, _ = plan(files, tmp_path)
    assert result.fixes == []
    messages = [str(d) for d in result.diagnostics]
    assert any(
        "`User.email` is defined differently" in m and "app/models/user.py:10" in m
        for m in messages
    )
    assert any("table 'users' is mapped more than once" in m for m in messages)


def test_reports_different_table_args(tmp_path: Path) -> None:
    files = package(
        user=model("User", "users", extra='    __table_args__ = {"schema": "auth"}'),
        users=model("User", "users", extra='    __table_args__ = {"schema": "public"}'),
    )
    result, _ = plan(files, tmp_path)
    assert result.fixes == []
    assert any("__table_args__` differs" in d.message for d in result.diagnostics)


def test_reports_one_table_under_two_class_names(tmp_path: Path) -> None:
    files = package(
        user=model("User", "users", "email = Column(String(100))", extra=""),
        users=model("Account", "users", "email = Column(String(100))"),
    )
    result, _ = plan(files, tmp_path)
    assert result.fixes == []
    assert any("mapped by `User` here and by `Account`" in d.message for d in result.diagnostics)


def test_collapses_sqlmodel_tables(tmp_path: Path) -> None:
    hero = (
        "from sqlmodel import Field, SQLModel\n\n\n"
        "class Hero(SQLModel, table=True):\n"
        "    id: int | None = Field(default=None, primary_key=True)\n"
        "    name: str\n"
    )
    files = package(hero=hero, heroes=hero)
    files["app/models/__init__.py"] = "from app.models.hero import Hero\n"
    repaired = after(files, tmp_path)
    assert "app/models/heroes.py" not in repaired
    assert "class Hero(SQLModel, table=True)" in repaired["app/models/hero.py"]


def test_collapses_mapped_annotations_and_removes_extend_existing(tmp_path: Path) -> None:
    mapped = (
        "from sqlalchemy.orm import Mapped, mapped_column\n\n"
        "from app.models.base import Base\n\n\n"
        "class Rule(Base):\n"
        '    __tablename__ = "rules"\n'
        '    __table_args__ = {"extend_existing": True}\n\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    name: Mapped[str]\n"
    )
    repaired = after(package(rule=mapped, rules=mapped), tmp_path)
    assert "extend_existing" not in repaired["app/models/rules.py"]
    assert "name: Mapped[str]" in repaired["app/models/rules.py"]


def test_reports_back_populates_naming_a_missing_attribute(tmp_path: Path) -> None:
    order = model("Order", "orders", "reference = Column(String(40))")
    files = package(order=order, orders=order)
    files["app/models/customers.py"] = (
        "from sqlalchemy.orm import relationship\n\nfrom app.models.base import Base\n\n\n"
        "class Customer(Base):\n    __tablename__ = 'customers'\n\n"
        "    orders = relationship('Order', back_populates='customer')\n"
    )
    result, _ = plan(files, tmp_path)
    assert len(result.fixes) == 1
    (warning,) = [d for d in result.diagnostics if "back_populates" in d.message]
    assert warning.path == "app/models/customers.py"
    assert warning.line == 9
    assert "`Order` has no attribute 'customer'" in warning.message


def test_reports_a_file_that_does_not_parse(tmp_path: Path) -> None:
    files = package(user="class User(:\n", users=model("User", "users"))
    result, _ = plan(files, tmp_path)
    assert result.fixes == []
    assert any(d.severity == "error" and d.path == "app/models/user.py" for d in result.diagnostics)


# -------------------------------------------------------------------- rewriting references


def rewrite(source: str, package_name: str = "app.api", move: ModuleMove | None = None) -> str:
    move = move or ModuleMove("app.models.action", "app.models.actions")
    return rewrite_references(cst.parse_module(source), package_name, move).code


def test_rewrites_from_module_imports_keeping_comments() -> None:
    source = "from app.models.action import (  # the models\n    Action,\n    Run,\n)\n"
    assert (
        rewrite(source)
        == "from app.models.actions import (  # the models\n    Action,\n    Run,\n)\n"
    )


def test_rewrites_a_module_import_and_its_uses() -> None:
    source = "from app.models import action\n\n\ndef f():\n    return action.Action\n"
    assert (
        rewrite(source)
        == "from app.models import actions\n\n\ndef f():\n    return actions.Action\n"
    )


def test_keeps_the_local_name_when_the_new_one_is_taken() -> None:
    source = (
        "from app.models import action\n\n\ndef f(actions):\n    return action.Action, actions\n"
    )
    assert rewrite(source) == (
        "from app.models import actions as action\n\n\ndef f(actions):\n    return action.Action, actions\n"
    )


def test_rewrites_import_as_and_dotted_uses() -> None:
    source = (
        "import app.models.action as a\nimport app.models.action\n\nX = app.models.action.Action\n"
    )
    assert rewrite(source) == (
        "import app.models.actions as a\nimport app.models.actions\n\nX = app.models.actions.Action\n"
    )


def test_rewrites_relative_imports() -> None:
    assert rewrite("from .action import Action\n", "app.models") == "from .actions import Action\n"
    assert (
        rewrite("from ..models.action import Action\n", "app.api")
        == "from ..models.actions import Action\n"
    )
    assert rewrite("from . import action\n", "app.models") == "from . import actions\n"


def test_rewrites_string_references() -> None:
    source = 'rel = relationship("app.models.action.Action")\npatch = mock.patch("app.models.action.Action.run")\n'
    assert rewrite(source) == (
        'rel = relationship("app.models.actions.Action")\npatch = mock.patch("app.models.actions.Action.run")\n'
    )


def test_splits_an_import_whose_names_go_to_two_modules() -> None:
    move = ModuleMove("app.models.device", "app.models.devices", {"Agent": "app.models.agents"})
    source = "from app.models.device import Agent, Device  # both\n"
    assert rewrite(source, move=move) == (
        "from app.models.agents import Agent  # both\nfrom app.models.devices import Device\n"
    )


def test_drops_an_import_that_repeats_another_after_the_rewrite() -> None:
    source = "from .action import Action\nfrom .actions import Action, Run\n"
    assert rewrite(source, "app.models") == "from .actions import Action, Run\n"


def test_refuses_a_module_attribute_that_moved_elsewhere() -> None:
    move = ModuleMove("app.models.device", "app.models.devices", {"Agent": "app.models.agents"})
    with pytest.raises(RewriteError, match=r"device_models\.Agent"):
        rewrite("import app.models.device as device_models\n\nA = device_models.Agent\n", move=move)


def test_rewrites_a_star_import() -> None:
    assert (
        rewrite("from app.models.action import *  # noqa\n")
        == "from app.models.actions import *  # noqa\n"
    )


def test_leaves_other_modules_alone() -> None:
    source = 'from app.models.actions import Action\nfrom app.models.action_log import Log\nX = "app.models.actionable"\n'
    assert rewrite(source) == source


# -------------------------------------------------------------------- editing models


def drop(source: str) -> str:
    module = cst.parse_module(source)
    statement = module.body[0]
    assert isinstance(statement, cst.ClassDef)
    return module.with_changes(body=[drop_extend_existing(statement)]).code


def test_drops_extend_existing_entries() -> None:
    head = "class A:\n    __tablename__ = 'a'\n"
    assert drop(head + '    __table_args__ = {"extend_existing": True}\n') == head
    assert drop(head + '    __table_args__ = {"schema": "x", "extend_existing": True}\n') == (
        head + '    __table_args__ = {"schema": "x"}\n'
    )
    assert drop(head + '    __table_args__ = (Index("i"), {"extend_existing": True})\n') == (
        head + '    __table_args__ = (Index("i"),)\n'
    )
    multi = '    __table_args__ = (\n        Index("i"),  # search\n        {"extend_existing": True},  # hack\n    )\n'
    assert (
        drop(head + multi)
        == head + '    __table_args__ = (\n        Index("i"),  # search\n    )\n'
    )


def test_merge_adds_names_to_an_existing_import_and_moves_definitions() -> None:
    receiver = cst.parse_module(
        "from sqlalchemy import Column, Integer\n\nfrom .base import Base\n\n\nclass A(Base):\n    id = Column(Integer)\n"
    )
    source = cst.parse_module(
        "from sqlalchemy import JSON, Column, Integer\nfrom .base import Base\n\n\n"
        "# Kept for the reports.\nclass B(Base):\n    data = Column(JSON)\n"
    )
    plan_ = MergePlan(definitions=["B"])
    imports = needed_imports(
        [source.body[-1]], read_models(source), read_models(receiver), lambda written: False
    )
    merged = merge(receiver, source, plan_, imports).code
    assert merged == (
        "from sqlalchemy import Column, Integer, JSON\n\nfrom .base import Base\n\n\n"
        "class A(Base):\n    id = Column(Integer)\n\n\n# Kept for the reports.\nclass B(Base):\n    data = Column(JSON)\n"
    )


def test_merge_puts_a_new_import_in_its_section() -> None:
    receiver = cst.parse_module(
        "from datetime import datetime\n\nfrom pydantic import BaseModel\n\n\nclass A(BaseModel):\n    at: datetime\n"
    )
    source = cst.parse_module(
        "from typing import Any\n\nfrom pydantic import BaseModel\n\n\nclass B(BaseModel):\n    x: Any\n"
    )
    imports = needed_imports(
        [source.body[-1]], read_models(source), read_models(receiver), lambda written: False
    )
    merged = merge(receiver, source, MergePlan(definitions=["B"]), imports).code
    assert merged.startswith(
        "from datetime import datetime\nfrom typing import Any\n\nfrom pydantic import BaseModel\n"
    )


# -------------------------------------------------------------------- the seed app starts


def _configure_mappers(root: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(root / "src")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    code = (
        "import opmas_mgmt_api.models\n"
        "import opmas_mgmt_api.services.device_service\n"
        "from sqlalchemy.orm import configure_mappers\n"
        "configure_mappers()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


def test_seed_004_app_configures_its_mappers_after_the_fix(tmp_path: Path) -> None:
    (case,) = [
        c for c in collect() if c.path == GOLDEN / "duplicate_models" / "fix_seed_004_src_layout"
    ]
    root = build_project(case, tmp_path)

    broken = _configure_mappers(root)
    assert broken.returncode != 0
    assert "Table 'agents' is already defined for this MetaData instance" in broken.stderr

    code, _, stderr = run_cli("--select", "duplicate-models", "--no-cache", str(root))
    assert code == 0, stderr
    repaired = _configure_mappers(root)
    assert repaired.returncode == 0, repaired.stderr
    assert not (root / "src/opmas_mgmt_api/models/device.py").exists()


# -------------------------------------------------------------------- copies that differ: the live one stays


def live_plan(files: dict[str, str], tmp_path: Path) -> tuple[Plan, Project]:
    """The fixer's plan for ``files`` as they are (no module that loads everything)."""
    project = Project.from_files(tmp_path, files)
    fixer = get_fixer("duplicate-models")
    ctx = FixerContext(project=project, options={}, cache=Cache(None, "duplicate-models"))
    return propose(fixer.plan, ctx), project


def liveness(files: dict[str, str], tmp_path: Path, copies: list[str]) -> Liveness:
    return decide(ProjectIndex(Project.from_files(tmp_path, files)), copies)


def two_user_copies() -> dict[str, str]:
    """user.py and users.py map `users` with different columns; nothing imports either yet."""
    return package(
        user=model("User", "users", "email = Column(String(100))", "nickname = Column(String(50))"),
        users=model("User", "users", "email = Column(String(255))"),
    )


COPIES = ["app/models/user.py", "app/models/users.py"]


def test_live_copy_is_the_one_the_entry_point_reaches(tmp_path: Path) -> None:
    files = two_user_copies()
    files["app/main.py"] = "from app.routers import accounts\n"
    files["app/routers/__init__.py"] = ""
    files["app/routers/accounts.py"] = "from app.models.users import User\n"
    # A registry loads both copies, and more modules import the dead one: the entry point wins.
    files["app/db/__init__.py"] = ""
    files["app/db/base.py"] = (
        "from app.models.user import User\nfrom app.models.users import User  # noqa: F811\n"
    )
    files["tests/test_a.py"] = "from app.models.user import User\n"
    files["tests/test_b.py"] = "from app.models.user import User\n"
    found = liveness(files, tmp_path, COPIES)
    assert found.live == "app/models/users.py"
    assert found.strong
    assert found.reason == (
        "the app's entry point reaches it: app/routers/accounts.py, which app/main.py loads, "
        "imports it"
    )


def test_live_copy_is_the_one_a_registry_imports_when_the_app_loads_both(tmp_path: Path) -> None:
    files = two_user_copies()
    files["app/main.py"] = (
        "from app.models.user import User\nfrom app.models.users import User  # noqa: F811\n"
    )
    files["alembic/env.py"] = (
        "from alembic import context\n\nfrom app.models.user import User\n\n"
        "context.configure(target_metadata=User.metadata)\n"
    )
    found = liveness(files, tmp_path, COPIES)
    assert found.live == "app/models/user.py"
    assert found.reason == "alembic env.py (alembic/env.py) imports it"


def test_no_live_copy_when_the_entry_point_and_a_registry_disagree(tmp_path: Path) -> None:
    files = two_user_copies()
    files["app/main.py"] = "from app.models.user import User\n"
    files["app/models/__init__.py"] = "from app.models.users import User\n"
    found = liveness(files, tmp_path, COPIES)
    assert found.live is None
    assert found.reason == "the entry points and the registries point at different copies"
    assert "app/models/users.py: the package __init__ (app/models/__init__.py) imports it" in (
        found.describe()
    )


def test_the_copy_more_modules_import_is_live_without_other_evidence(tmp_path: Path) -> None:
    files = two_user_copies()
    files["app/api.py"] = "from app.models.users import User\n"
    files["app/admin.py"] = "from app.models import users\n\nADMIN = users.User\n"
    files["app/old.py"] = "from app.models.user import User\n"
    found = liveness(files, tmp_path, COPIES)
    assert (found.live, found.strong) == ("app/models/users.py", False)
    assert found.reason == "more modules import it (2 against 1)"


def test_no_live_copy_when_nothing_imports_one_more(tmp_path: Path) -> None:
    found = liveness(two_user_copies(), tmp_path, COPIES)
    assert found.live is None
    assert found.reason == "nothing imports one copy more than the other"


def test_a_module_a_server_command_names_is_an_entry_point(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text('CMD ["uvicorn", "app.api:app", "--host", "0.0.0.0"]\n')
    (tmp_path / "Procfile").write_text(
        "worker: python -m app.worker\nweb: flask --app app.web run\n"
    )
    files = two_user_copies()
    files["app/api.py"] = "from app.models.users import User\n"
    files["app/worker.py"] = files["app/web.py"] = ""
    files["tests/test_user.py"] = "from app.models.user import User\n"
    project = Project.from_files(tmp_path, files)
    # The project model's start commands: the same evidence that decides the import roots.
    found = entry_points(ProjectIndex(project))
    assert sorted(found) == ["app/api.py", "app/web.py", "app/worker.py"]
    assert found["app/api.py"].endswith("in Dockerfile")
    assert found["app/worker.py"] == "`python -m app.worker` in Procfile"
    assert found["app/web.py"] == "`flask --app app.web` in Procfile"
    assert decide(ProjectIndex(project), COPIES).live == "app/models/users.py"


def test_the_fix_lists_the_columns_only_the_dead_copy_maps(tmp_path: Path) -> None:
    files = two_user_copies()
    files["app/main.py"] = "from app.db import base\nfrom app.models.users import User\n"
    # The registry loads both copies: the app dies with "Table 'users' is already defined".
    files["app/db/__init__.py"] = ""
    files["app/db/base.py"] = (
        "from app.models.user import User\nfrom app.models.users import User  # noqa: F811\n"
    )
    files["app/legacy.py"] = "from app.models.user import User\n\nEMAILS = [User.email]\n"
    result, _ = live_plan(files, tmp_path)
    (fix,) = result.fixes
    assert fix.safe
    assert fix.title == (
        "Keep app/models/users.py, the copy the app runs, and delete app/models/user.py"
    )
    assert "Columns and attributes only app/models/user.py maps, not kept: User.nickname." in (
        fix.explanation
    )
    assert "Defined differently in app/models/user.py (the live definition stays): User.email." in (
        fix.explanation
    )
    changes = {c.path: c.after for c in fix.changes}
    assert changes["app/models/user.py"] is None
    assert "app/models/users.py" not in changes  # the live copy stays as it is
    assert changes["app/legacy.py"] == (
        "from app.models.users import User\n\nEMAILS = [User.email]\n"
    )


def test_a_dead_only_column_code_reads_makes_the_fix_unsafe(tmp_path: Path) -> None:
    files = two_user_copies()
    files["app/main.py"] = "from app.models.users import User\n"
    files["app/names.py"] = (
        "from app.models.users import User\n\n\n"
        "def names(users: list[User]) -> list[str]:\n"
        "    return [u.nickname for u in users]\n"
    )
    result, _ = live_plan(files, tmp_path)
    (fix,) = result.fixes
    assert not fix.safe
    assert "Unsafe: something depends on what only the dead copy maps" in fix.explanation
    (use,) = [d for d in result.diagnostics if "nickname" in d.message]
    assert (use.path, use.line) == ("app/names.py", 5)
    assert use.message.startswith(
        "reads `.nickname`, and only app/models/user.py maps User.nickname: deleting that copy is unsafe"
    )


def test_a_dead_only_column_a_migration_creates_makes_the_fix_unsafe(tmp_path: Path) -> None:
    files = two_user_copies()
    files["app/main.py"] = "from app.models.users import User\n"
    files["alembic/versions/0001_users.py"] = (
        "import sqlalchemy as sa\nfrom alembic import op\n\n\n"
        "def upgrade() -> None:\n"
        "    op.create_table('users', sa.Column('id', sa.Integer()), sa.Column('email', sa.String()))\n"
        "    with op.batch_alter_table('users') as batch_op:\n"
        "        batch_op.add_column(sa.Column('nickname', sa.String(50)))\n"
    )
    result, _ = live_plan(files, tmp_path)
    (fix,) = result.fixes
    assert not fix.safe
    (use,) = [d for d in result.diagnostics if "migration" in d.message]
    assert (use.path, use.line) == ("alembic/versions/0001_users.py", 8)
    assert "creates column users.nickname, and only app/models/user.py maps User.nickname" in (
        use.message
    )


def test_migration_columns_follow_creates_and_drops(tmp_path: Path) -> None:
    files = {
        "migrations/versions/0001.py": (
            "from alembic import op\nimport sqlalchemy as sa\n\n\n"
            "def upgrade():\n"
            "    op.create_table('items', sa.Column('id', sa.Integer()), sa.Column('old', sa.Text()))\n"
            "    op.add_column('items', sa.Column('price', sa.Integer()))\n\n\n"
            "def downgrade():\n"
            "    op.add_column('items', sa.Column('never', sa.Integer()))\n"
        ),
        "migrations/versions/0002.py": (
            "from alembic import op\n\n\ndef upgrade():\n    op.drop_column('items', 'old')\n"
        ),
    }
    index = ProjectIndex(Project.from_files(tmp_path, files))
    assert migration_columns(index) == {
        "items": {
            "id": ("migrations/versions/0001.py", 6),
            "price": ("migrations/versions/0001.py", 7),
        }
    }


def test_a_name_the_live_copy_defines_differently_is_reported(tmp_path: Path) -> None:
    files = two_user_copies()
    files["app/models/user.py"] += "\n\ndef label(user):\n    return user.email\n"
    files["app/models/users.py"] += "\n\ndef label(user):\n    return str(user.id)\n"
    files["app/main.py"] = "from app.models.users import User\n"
    files["app/models/__init__.py"] = "from app.models import user, users\n"
    files["app/legacy.py"] = "from app.models.user import label\n"
    result, _ = live_plan(files, tmp_path)
    assert result.fixes == []
    assert any(
        "app/models/users.py is the copy the app runs" in d.message
        and "`label` is defined differently here and in the live copy, and app/legacy.py uses it"
        in d.message
        for d in result.diagnostics
    )


def test_copies_in_two_packages_on_different_bases_are_left_alone(tmp_path: Path) -> None:
    files = package(users=model("User", "users", "email = Column(String(255))"))
    files["app/auth/__init__.py"] = ""
    files["app/auth/models.py"] = (
        "from sqlalchemy import Column, Integer\nfrom sqlalchemy.orm import declarative_base\n\n"
        "Base = declarative_base()\n\n\nclass User(Base):\n    __tablename__ = 'users'\n\n"
        "    id = Column(Integer, primary_key=True)\n"
    )
    files["app/main.py"] = "from app.auth.models import User\nfrom app.models.users import User\n"
    result, _ = live_plan(files, tmp_path)
    assert result.fixes == []


def test_an_enum_the_live_copy_takes_from_the_dead_one_moves_above_its_classes(
    tmp_path: Path,
) -> None:
    files = package(
        user=(
            "import enum\n\nfrom sqlalchemy import Column, Integer, String\n\n"
            "from app.models.base import Base\n\n\n"
            "class Role(str, enum.Enum):\n    VIEWER = 'viewer'\n\n\n"
            "class User(Base):\n    __tablename__ = 'users'\n\n"
            "    id = Column(Integer, primary_key=True)\n    nickname = Column(String(50))\n"
        ),
        users=(
            "from sqlalchemy import Column, Enum, Integer\n\n"
            "from app.models.base import Base\nfrom app.models.user import Role\n\n\n"
            "class User(Base):\n    __tablename__ = 'users'\n\n"
            "    id = Column(Integer, primary_key=True)\n    role = Column(Enum(Role))\n"
        ),
    )
    files["app/main.py"] = "from app.models.users import User\n"
    (fix,) = live_plan(files, tmp_path)[0].fixes
    assert fix.safe
    assert "Moved Role from app/models/user.py (defined only there, and used)." in fix.explanation
    assert {c.path: c.after for c in fix.changes}["app/models/users.py"] == (
        "import enum\n\nfrom sqlalchemy import Column, Enum, Integer\n\n"
        "from app.models.base import Base\n\n\n"
        "class Role(str, enum.Enum):\n    VIEWER = 'viewer'\n\n\n"
        "class User(Base):\n    __tablename__ = 'users'\n\n"
        "    id = Column(Integer, primary_key=True)\n    role = Column(Enum(Role))\n"
    )

"""stale-keywords: unit tests on real git repositories (the golden cases cover the CLI)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from fixup.cache import Cache
from fixup.config import Config
from fixup.fix import Plan
from fixup.fixers import FixerContext, get_fixer
from fixup.history import History
from fixup.project import Project
from tests.golden import build_project, collect, run_cli
from tests.test_deleted_classes import commit, write


def run(root: Path) -> tuple[Project, Plan]:
    project = Project.load(root, Config())
    ctx = FixerContext(
        project=project,
        options={},
        cache=Cache(None, "stale-keywords"),
        config=Config(),
        history=History.of(project, use_cache=False),
    )
    return project, get_fixer("stale-keywords").plan(ctx)


def applied(root: Path) -> tuple[dict[str, str], Plan]:
    """The files after the fixes (checked to parse, and to need nothing more)."""
    project, result = run(root)
    for fix in result.fixes:
        project = project.apply(fix)
    for path, text in project.files.items():
        ast.parse(text)
        (root / path).write_text(text)
    _, again = run(root)
    assert not again.fixes, "a second run must change nothing"
    return dict(project.files), result


def messages(result: Plan) -> str:
    return "\n".join(str(d) for d in result.diagnostics)


def schema(*fields: str) -> str:
    body = "".join(f"    {f}: str = ''\n" for f in fields)
    return f"from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n{body}"


VIEW = """\
from app.schemas import Item


def build(row) -> Item:
    return Item({args})
"""


def view(args: str) -> str:
    return VIEW.format(args=args)


# ---------------------------------------------------------------- no-op cases


def test_noop_when_every_keyword_is_a_field_or_alias(repo: Path) -> None:
    commit(
        repo,
        {
            "app/__init__.py": "",
            "app/schemas.py": schema("title", "body")
            .replace("body: str = ''", "body: str = Field('', alias='text')")
            .replace("import BaseModel", "import BaseModel, Field"),
            "app/views.py": view("title=row.title, text=row.text"),
        },
        "Add items",
        0,
    )
    _, result = run(repo)
    assert not result.fixes and not result.diagnostics


def test_noop_class_outside_the_project_and_unpacked_calls(repo: Path) -> None:
    commit(
        repo,
        {
            "app/__init__.py": "",
            "app/schemas.py": schema("title"),
            "app/views.py": """\
                from fastapi import HTTPException

                from app.schemas import Item


                def build(row, extra: dict) -> Item:
                    if row is None:
                        raise HTTPException(status_code=404, detail="gone")
                    return Item(titel=row.title, **extra)
                """,
        },
        "Add items",
        0,
    )
    _, result = run(repo)
    assert not result.fixes and not result.diagnostics


def test_settings_options_pass_and_a_plain_base_gives_no_fields(repo: Path) -> None:
    commit(
        repo,
        {
            "app/__init__.py": "",
            "app/config.py": """\
                from dataclasses import dataclass

                from pydantic_settings import BaseSettings


                class Settings(BaseSettings):
                    database_url: str = "sqlite://"


                class Annotated:
                    hint: str


                @dataclass
                class Point(Annotated):
                    x: int


                settings = Settings(_env_file=".env")
                origin = Point(x=0, hint="a plain base's annotation is no dataclass field")
                """,
        },
        "Add settings",
        0,
    )
    _, result = run(repo)
    assert not result.fixes
    assert [d.message.split(":")[0] for d in result.diagnostics] == ["Point(hint=...)"]


# ---------------------------------------------------------------- renames from history


def test_follows_renames_over_several_commits(repo: Path) -> None:
    files = {"app/__init__.py": "", "app/views.py": view("id=row.id, headline=row.title")}
    commit(repo, {**files, "app/schemas.py": schema("id", "headline")}, "Add items", 0)
    commit(repo, {"app/schemas.py": schema("id", "heading")}, "Rename headline", 1)
    last = commit(repo, {"app/schemas.py": schema("id", "title")}, "Rename heading", 2)
    after, result = applied(repo)
    assert "Item(id=row.id, title=row.title)" in after["app/views.py"]
    (fix,) = result.fixes
    (provenance,) = fix.provenance
    # The commit that renamed the keyword's own name (headline -> heading) is cited.
    assert provenance.subject == "Rename headline" and provenance.commit != last


def test_rename_in_the_working_tree_is_followed(repo: Path) -> None:
    files = {"app/__init__.py": "", "app/views.py": view("sku=row.sku")}
    commit(repo, {**files, "app/schemas.py": schema("sku")}, "Add items", 0)
    write(repo, {"app/schemas.py": schema("code")})
    after, result = applied(repo)
    assert "Item(code=row.sku)" in after["app/views.py"]
    assert "uncommitted changes" in str(result.fixes[0].provenance[0])


def test_several_fields_renamed_in_place(repo: Path) -> None:
    files = {"app/__init__.py": "", "app/views.py": view("a=1, model_name=2, model_tag=3")}
    commit(repo, {**files, "app/schemas.py": schema("a", "model_name", "model_tag")}, "Add", 0)
    commit(repo, {"app/schemas.py": schema("a", "image_name", "image_tag")}, "Rename", 1)
    after, _ = applied(repo)
    assert "Item(a=1, image_name=2, image_tag=3)" in after["app/views.py"]


def test_ambiguous_history_is_reported_not_guessed(repo: Path) -> None:
    files = {"app/__init__.py": "", "app/views.py": view("a=1, old=2")}
    commit(repo, {**files, "app/schemas.py": schema("a", "old", "gone")}, "Add", 0)
    commit(repo, {"app/schemas.py": schema("a", "new_one", "new_two", "new_three")}, "Redo", 1)
    _, result = run(repo)
    assert not result.fixes
    assert "app/views.py:5: Item(old=...): Item (app/schemas.py) has no field `old`" in messages(
        result
    )


def test_new_name_already_given_is_not_doubled(repo: Path) -> None:
    files = {"app/__init__.py": "", "app/views.py": view("title=row.t, name=row.n")}
    commit(repo, {**files, "app/schemas.py": schema("name")}, "Add", 0)
    commit(repo, {"app/schemas.py": schema("title")}, "Rename", 1)
    _, result = run(repo)
    assert not result.fixes
    assert "has no field `name`" in messages(result)


def test_sqlalchemy_model_and_its_backrefs(repo: Path) -> None:
    models = """\
        from sqlalchemy import Column, ForeignKey, Integer, String
        from sqlalchemy.orm import declarative_base, relationship

        Base = declarative_base()


        class Team(Base):
            __tablename__ = "teams"
            id = Column(Integer, primary_key=True)
            {field} = Column(String)


        class Player(Base):
            __tablename__ = "players"
            id = Column(Integer, primary_key=True)
            team_id = Column(ForeignKey("teams.id"))
            team = relationship(Team, backref="players")
        """
    files = {
        "app/__init__.py": "",
        "app/seed.py": """\
            from app.models import Team


            def seed():
                return Team(label="red", players=[])
            """,
    }
    commit(repo, {**files, "app/models.py": models.format(field="label")}, "Add teams", 0)
    commit(repo, {"app/models.py": models.format(field="display_name")}, "Rename label", 1)
    after, result = applied(repo)
    # players comes from Player's backref: accepted; label follows the rename.
    assert 'Team(display_name="red", players=[])' in after["app/seed.py"]
    assert "TypeError" in result.fixes[0].explanation


# ---------------------------------------------------------------- without history


def test_one_unset_alike_field_without_git(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/schemas.py": schema("id", "description"),
            "app/views.py": view("id=1, desciption='typo'"),
        },
    )
    after, result = applied(tmp_path)
    assert result.fixes[0].safe
    assert "Item(id=1, description='typo')" in after["app/views.py"]


def test_models_called_by_another_name_or_through_a_subclass(tmp_path: Path) -> None:
    """An aliased import and a subclass in another module (both plain by their own module's
    facts) are still constructors of a model."""
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/schemas.py": schema("id", "description"),
            "app/extended.py": "from app.schemas import Item\n\n\nclass Extended(Item):\n"
            "    extra: str = ''\n",
            "app/views.py": "from app.extended import Extended\nfrom app.schemas import Item as Out"
            "\n\na = Out(id=1, desciption='x')\nb = Extended(id=2, extra='', desciption='y')\n",
        },
    )
    after, _ = applied(tmp_path)
    assert "a = Out(id=1, description='x')" in after["app/views.py"]
    assert "b = Extended(id=2, extra='', description='y')" in after["app/views.py"]


def test_models_reached_by_star_import_or_module_attribute(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/schemas.py": schema("id", "description"),
            "app/star.py": "from app.schemas import *\n\na = Item(id=1, desciption='x')\n",
            "app/dotted.py": "from app import schemas\n\nb = schemas.Item(id=1, desciption='y')\n",
        },
    )
    after, _ = applied(tmp_path)
    assert "a = Item(id=1, description='x')" in after["app/star.py"]
    assert "b = schemas.Item(id=1, description='y')" in after["app/dotted.py"]


def test_two_unset_fields_are_reported_with_candidates(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/schemas.py": schema("id", "description", "summary"),
            "app/views.py": view("id=1, desciption='typo'"),
        },
    )
    _, result = run(tmp_path)
    assert not result.fixes
    assert "did you mean `description`?" in messages(result)


def test_non_ascii_line_keeps_columns(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/schemas.py": schema("id", "description"),
            "app/views.py": view("id=1, desciption='café ☕'") + "# ünïcode\n",
        },
    )
    write(
        tmp_path,
        {"app/other.py": "from app.schemas import Item\n\nx = ('é', Item(id=2, desciption='é'))\n"},
    )
    after, _ = applied(tmp_path)
    assert "Item(id=2, description='é')" in after["app/other.py"]
    assert "Item(id=1, description='café ☕')" in after["app/views.py"]


def test_seed_002_smoke_check_fails_before_and_passes_after(tmp_path: Path) -> None:
    """The golden seed's own smoke script: the image fields are lost before, kept after."""
    (case,) = [c for c in collect() if c.id == "stale_keywords/fix_seed_002_release_image_fields"]
    root = build_project(case, tmp_path)

    def smoke() -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        return subprocess.run(
            [sys.executable, "-c", "import scripts.smoke_releases"],
            cwd=root / "backend",
            env={**env, "PYTHONDONTWRITEBYTECODE": "1"},
            capture_output=True,
            text=True,
            timeout=120,
        )

    before = smoke()
    assert before.returncode != 0 and "AssertionError" in before.stderr
    code, _, stderr = run_cli("--select", "stale-keywords", str(root))
    assert code == 0, stderr
    after = smoke()
    assert after.returncode == 0, after.stderr


def test_a_field_set_through_its_alias_is_not_unset(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/schemas.py": """\
                from pydantic import BaseModel, Field


                class Item(BaseModel):
                    label: str = Field(alias="name")
                    description: str = ""
                """,
            "app/views.py": view("name='n', desciption='typo'"),
        },
    )
    after, _ = applied(tmp_path)
    assert "Item(name='n', description='typo')" in after["app/views.py"]

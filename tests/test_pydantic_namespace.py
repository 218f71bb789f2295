"""pydantic-namespace: which projects and classes it repairs, how it edits, and that the warning goes."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from fixup.cache import Cache
from fixup.config import Config
from fixup.fix import Plan
from fixup.fixers import FixerContext, get_fixer
from fixup.project import Project
from tests.golden import git


def make(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))


def plan(root: Path, files: dict[str, str], rename: bool = False) -> tuple[Plan, Project]:
    make(root, files)
    project = Project.load(root, Config())
    ctx = FixerContext(
        project=project,
        options={"rename": rename},
        cache=Cache(None, "pydantic-namespace"),
        config=Config(),
    )
    return get_fixer("pydantic-namespace").plan(ctx), project


def fixed(root: Path, files: dict[str, str], rename: bool = False) -> tuple[dict[str, str], Plan]:
    """The files after the fixes, checked to parse and to need nothing more."""
    result, project = plan(root, files, rename)
    for fix in result.fixes:
        project = project.apply(fix)
    for text in project.files.values():
        ast.parse(text)
    again, _ = plan(root, dict(project.files), rename)
    assert not again.fixes, "a second run must change nothing"
    return dict(project.files), result


def messages(result: Plan) -> str:
    return "\n".join(str(d) for d in result.diagnostics)


V2 = {"requirements.txt": "pydantic==2.5.3\n", "app/__init__.py": ""}


# ---------------------------------------------------------------- no-op cases


def test_noop_without_any_sign_of_pydantic_v2(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/schemas.py": """\
            from pydantic import BaseModel


            class Info(BaseModel):
                model_name: str

                class Config:
                    orm_mode = True
            """,
    }
    result, _ = plan(tmp_path, files)
    assert not result.fixes and not result.diagnostics


def test_noop_pydantic_2_10_pin_leaves_model_name(tmp_path: Path) -> None:
    """Pydantic >= 2.10 protects only model_validate* and model_dump*: model_name is fine."""
    files = {
        "pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["pydantic>=2.10"]\n',
        "app/__init__.py": "",
        "app/schemas.py": """\
            from pydantic import BaseModel


            class Info(BaseModel):
                model_name: str
                model_dumped_at: str
            """,
    }
    result, _ = plan(tmp_path, files)
    assert len(result.fixes) == 1
    assert "model_dumped_at" in result.fixes[0].explanation
    assert "model_name" not in result.fixes[0].explanation


def test_noop_class_variable_and_non_pydantic_class(tmp_path: Path) -> None:
    files = {
        **V2,
        "app/schemas.py": """\
            from typing import ClassVar

            from pydantic import BaseModel


            class Info(BaseModel):
                model_kind: ClassVar[str] = "info"
                name: str


            class NotAModel:
                model_name: str
            """,
    }
    result, _ = plan(tmp_path, files)
    assert not result.fixes and not result.diagnostics


# ---------------------------------------------------------------- the default fix


def test_adds_config_and_import_keeping_comments(tmp_path: Path) -> None:
    files = {
        **V2,
        "app/schemas.py": """\
            from pydantic import BaseModel, Field  # the API's shapes


            class Info(BaseModel):
                # which model answered
                model_name: str = Field(..., max_length=100)
            """,
    }
    after, result = fixed(tmp_path, files)
    assert after["app/schemas.py"] == textwrap.dedent(
        """\
        from pydantic import BaseModel, ConfigDict, Field  # the API's shapes


        class Info(BaseModel):
            model_config = ConfigDict(protected_namespaces=())
            # which model answered
            model_name: str = Field(..., max_length=100)
        """
    )
    assert result.fixes[0].safe


def test_merges_into_one_line_config_and_uses_module_alias(tmp_path: Path) -> None:
    files = {
        **V2,
        "app/schemas.py": """\
            import pydantic


            class Info(pydantic.BaseModel):
                model_config = pydantic.ConfigDict(from_attributes=True)
                model_name: str


            class Other(pydantic.BaseModel):
                model_path: str
            """,
    }
    after, _ = fixed(tmp_path, files)
    text = after["app/schemas.py"]
    assert (
        "model_config = pydantic.ConfigDict(from_attributes=True, protected_namespaces=())" in text
    )
    assert "    model_config = pydantic.ConfigDict(protected_namespaces=())\n    model_path" in text
    assert "from pydantic import" not in text


def test_subclass_of_a_fixed_base_needs_nothing(tmp_path: Path) -> None:
    files = {
        **V2,
        "app/base.py": """\
            from pydantic import BaseModel


            class Named(BaseModel):
                model_name: str
            """,
        "app/schemas.py": """\
            from app.base import Named


            class Detailed(Named):
                model_version: str
            """,
    }
    after, result = fixed(tmp_path, files)
    assert [f.paths for f in result.fixes] == [("app/base.py",)]
    assert after["app/schemas.py"] == textwrap.dedent(files["app/schemas.py"])


def test_unreadable_config_is_reported(tmp_path: Path) -> None:
    files = {
        **V2,
        "app/schemas.py": """\
            from pydantic import BaseModel

            from app.settings import shared_config


            class Info(BaseModel):
                model_config = shared_config()
                model_name: str
            """,
        "app/settings.py": "def shared_config():\n    return {}\n",
    }
    result, _ = plan(tmp_path, files)
    assert not result.fixes
    assert "app/schemas.py:7: Info has fields in Pydantic's protected namespace" in messages(result)


def test_repaired_module_imports_without_the_warning(tmp_path: Path) -> None:
    """With warnings as errors (as many test suites run), the model fails before and loads after.

    The field is under ``model_dump``, protected by every Pydantic v2 release."""
    files = {
        **V2,
        "app/schemas.py": """\
            from pydantic import BaseModel


            class Export(BaseModel):
                model_dump_format: str = "json"
            """,
    }

    def load(root: Path) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        return subprocess.run(
            [sys.executable, "-W", "error", "-c", "import app.schemas"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    make(tmp_path, files)
    before = load(tmp_path)
    assert before.returncode != 0 and "protected namespace" in before.stderr
    after, _ = fixed(tmp_path, files)
    (tmp_path / "app/schemas.py").write_text(after["app/schemas.py"])
    result = load(tmp_path)
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- rename = true


def test_rename_takes_a_free_name(tmp_path: Path) -> None:
    files = {
        **V2,
        "app/schemas.py": """\
            from pydantic import BaseModel, Field


            class Info(BaseModel):
                name: str
                model_name: str
                model_copy: bool = False
            """,
    }
    after, result = fixed(tmp_path, files, rename=True)
    text = after["app/schemas.py"]
    assert 'name_: str = Field(alias="model_name")' in text
    assert 'copy_: bool = Field(False, alias="model_copy")' in text
    assert "model_config = ConfigDict(populate_by_name=True)" in text
    assert result.fixes[0].safe


def test_rename_reports_unproved_uses_and_is_unsafe(tmp_path: Path) -> None:
    files = {
        **V2,
        "app/schemas.py": """\
            from pydantic import BaseModel


            class Info(BaseModel):
                model_name: str
            """,
        "app/views.py": """\
            from app.schemas import Info


            def show(item) -> str:
                return item.model_name


            def build() -> Info:
                return Info(model_name="x")
            """,
    }
    result, _ = plan(tmp_path, files, rename=True)
    (fix,) = result.fixes
    assert not fix.safe
    assert "app/views.py:5: `item.model_name`: cannot tell whether `item` is a Info" in messages(
        result
    )
    views = next(c.after for c in fix.changes if c.path == "app/views.py")
    assert views is not None and 'Info(name="x")' in views and "item.model_name" in views


def test_rename_leaves_an_aliased_field_and_reports_it(tmp_path: Path) -> None:
    files = {
        **V2,
        "app/schemas.py": """\
            from pydantic import BaseModel, Field


            class Info(BaseModel):
                model_name: str = Field(alias="modelName")
            """,
    }
    result, _ = plan(tmp_path, files, rename=True)
    assert not result.fixes
    assert "it has an alias already" in messages(result)


def test_reads_pins_from_requirements_next_to_the_app(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    files = {
        "backend/requirements.txt": "pydantic==1.10.13\n",
        "backend/app/__init__.py": "",
        "backend/app/main.py": "from app.schemas import Info\n\nif __name__ == '__main__':\n    pass\n",
        "backend/app/schemas.py": """\
            from pydantic import BaseModel


            class Info(BaseModel):
                model_name: str
                model_config = {"title": "v2 code, but pinned to v1"}
            """,
    }
    make(tmp_path, files)
    git(tmp_path, "add", "-A")
    result, _ = plan(tmp_path, {})
    assert not result.fixes


def test_noop_base_from_another_library(tmp_path: Path) -> None:
    """A base from elsewhere may set protected_namespaces itself: fixup cannot see it."""
    files = {
        **V2,
        "app/schemas.py": """\
            from pydantic import BaseModel
            from registry_sdk import RegistryMixin


            class Info(RegistryMixin, BaseModel):
                model_name: str
            """,
    }
    result, _ = plan(tmp_path, files)
    assert not result.fixes and not result.diagnostics


def test_one_line_class_is_reported(tmp_path: Path) -> None:
    files = {
        **V2,
        "app/schemas.py": "from pydantic import BaseModel\n\n\nclass Info(BaseModel): model_name: str\n",
    }
    result, _ = plan(tmp_path, files)
    assert not result.fixes
    assert "app/schemas.py:4: Info has fields in Pydantic's protected namespace, but its body" in (
        messages(result)
    )

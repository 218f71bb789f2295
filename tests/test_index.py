"""The project index: facts from one parse per file content, cached, read by every fixer."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from fixup import project as project_module
from fixup.cache import Cache
from fixup.config import Config
from fixup.fixers import all_fixers
from fixup.index import FactStore, FileFacts, ProjectIndex, absolute_module, file_facts
from fixup.pipeline import run
from fixup.project import Project
from tests.golden import git


def write(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))


def commit(root: Path, files: dict[str, str], message: str, day: int) -> None:
    if not (root / ".git").exists():
        git(root, "init", "-q", "-b", "main")
    write(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=day)


def facts(text: str) -> FileFacts:
    return file_facts(textwrap.dedent(text))


# ---------------------------------------------------------------- one parse per content


def broken_project(root: Path) -> None:
    """Every default fixer has work: a relative import beyond the top-level package (run as
    ``python main.py`` from backend/), a deleted model, a renamed module, duplicate models."""
    commit(
        root,
        {
            "backend/models.py": """\
                from pydantic import BaseModel


                class User(BaseModel):
                    name: str


                class Item(BaseModel):
                    title: str
                """,
            "backend/routers/helpers.py": "def helper():\n    return 1\n",
            "backend/main.py": """\
                from models import User, Item
                from routers.helpers import helper

                if __name__ == "__main__":
                    print(User, Item, helper)
                """,
            "backend/routers/__init__.py": "",
            "backend/routers/items.py": "from ..models import Item\n",
            "backend/untouched.py": "import os\n\nVALUE = os.sep\n",
        },
        "Add the app",
        0,
    )
    git(root, "mv", "backend/routers/helpers.py", "backend/routers/tools.py")
    commit(
        root,
        {
            "backend/models.py": """\
                from pydantic import BaseModel


                class User(BaseModel):
                    name: str
                """
        },
        "Drop Item, rename helpers",
        1,
    )


def test_each_content_is_parsed_once_and_libcst_parses_only_edited_files(tmp_path: Path) -> None:
    broken_project(tmp_path)
    # Every relative import becomes absolute: many files to edit, few to leave alone.
    config = Config(options={"relative-imports": {"style": "absolute"}})
    project = Project.load(tmp_path, config)
    store = FactStore()
    project_module._PARSE_CACHE.clear()  # libcst's whole-module parses, by content

    report = run(project, list(all_fixers()), config, use_cache=False, facts=store)

    assert {f.fixer for f in report.fixes} >= {
        "relative-imports",
        "deleted-classes",
        "moved-modules",
    }
    assert store.parses, "the fixers read the index"
    assert max(store.parses.values()) == 1, "a content was parsed twice"
    # Every file of every snapshot was parsed once at most: the facts of an unchanged file
    # are reused by the snapshots after a fix.
    snapshots = [project]
    for fix in report.fixes:
        snapshots.append(snapshots[-1].apply(fix))
    contents = {text for snapshot in snapshots for text in snapshot.files.values()}
    assert sum(store.parses.values()) <= len(contents)

    edited = {c.before for f in report.fixes for c in f.changes if c.before is not None} | {
        c.after for f in report.fixes for c in f.changes if c.after is not None
    }
    parsed = {module.code for module in project_module._PARSE_CACHE.values()}
    assert parsed, "the fixes were made with libcst"
    assert parsed <= edited
    assert project.files["backend/untouched.py"] not in parsed


def test_a_warm_store_parses_nothing(tmp_path: Path) -> None:
    texts = ["import os\n", "class A:\n    x = 1\n", "def f(:\n"]
    cache = Cache(tmp_path / "cache", "index")
    first = FactStore(cache)
    computed = first.get_many(texts)
    first.save()
    assert sum(first.parses.values()) == 3
    second = FactStore(Cache(tmp_path / "cache", "index"))
    assert second.get_many(texts) == computed
    assert second.parses == {}


def test_a_new_snapshot_reuses_the_facts_of_unchanged_files(tmp_path: Path) -> None:
    project = Project.from_files(tmp_path, {"a.py": "import b\n", "b.py": "X = 1\n"})
    index = ProjectIndex(project)
    changed = Project.from_files(tmp_path, {"a.py": "import b\n", "b.py": "X = 2\n"})
    again = index.for_project(changed)
    assert again.facts("b.py").definitions[0].line == 1
    assert sum(index.store.parses.values()) == 3


# ---------------------------------------------------------------- facts


def test_facts_round_trip_through_json() -> None:
    found = facts(
        """\
        import os.path as p
        from .models import User as U, Item
        from sqlalchemy.orm import Mapped, relationship

        __all__ = ["Order"]


        class Order(Base):
            __tablename__ = "orders"
            id: Mapped[int]
            user = relationship("User", back_populates="orders")

            async def total(self):
                return p.join(U.x)
        """
    )
    assert FileFacts.from_json(found.to_json()) == found
    assert found.has_relative_imports
    assert found.imports.from_imports[:2] == [
        (1, "models", "User", "U", 2),
        (1, "models", "Item", "", 2),
    ]
    assert found.plain_imports == [("os.path", "p", 1)]
    assert ("p.join", 14) in found.imports.attribute_reads
    order = found.classes[0]
    assert (order.kind, order.table, order.maps_table) == ("sqlalchemy", "orders", True)
    assert [(m.name, m.kind) for m in order.members] == [("id", "column"), ("user", "relationship")]
    assert order.body_names == {"__tablename__", "id", "user", "total"}
    user = order.member("user")
    assert user is not None and (user.target, user.back_populates) == ("User", "orders")
    assert [(d.name, d.kind, d.line, d.end_line) for d in found.definitions] == [
        ("__all__", "assign", 5, 5),
        ("Order", "class", 8, 14),
    ]


def test_syntax_error_is_a_fact() -> None:
    found = facts("def f(:\n    pass\n")
    assert found.syntax_error is not None and found.syntax_error[1] == 1
    assert found.error is not None and found.error.startswith("syntax error: ")


def test_model_kinds_are_decided_in_one_place() -> None:
    found = facts(
        """\
        class Hero(SQLModel, table=True):
            id: int

        class HeroBase(SQLModel):
            name: str

        class Schema(pydantic.BaseModel):
            a: int

        class Child(Schema):
            b: int

        class Plain:
            x = 1

        class Mixin:
            __table__ = t
        """
    )
    kinds = {c.name: (c.kind, c.table, c.maps_table) for c in found.classes}
    assert kinds == {
        "Hero": ("sqlmodel", "hero", True),
        "HeroBase": ("pydantic", None, False),
        "Schema": ("pydantic", None, False),
        "Child": ("pydantic", None, False),
        "Plain": ("plain", None, False),
        "Mixin": ("plain", None, True),
    }


def test_names_made_at_run_time(tmp_path: Path) -> None:
    project = Project.from_files(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/dyn.py": "for n in 'ab':\n    globals()[n] = 1\n",
            "pkg/loc.py": "def f():\n    vars().update(x=1)\n",
            "pkg/lazy.py": "def __getattr__(name):\n    return name\n",
            "pkg/stubbed.py": "X = 1\n",
            "pkg/stubbed.pyi": "X: int\nY: int\n",
            "pkg/msg_pb2.py": "# Generated by the protocol buffer compiler.  DO NOT EDIT!\n",
            "pkg/plain.py": "X = 1\n",
        },
    )
    index = ProjectIndex(project)
    assert index.runtime_names("pkg/dyn.py") == "it writes to globals()"
    assert index.runtime_names("pkg/loc.py") == "it writes to globals()"
    assert index.runtime_names("pkg/lazy.py") == "it defines a module-level __getattr__"
    assert index.runtime_names("pkg/stubbed.py") == "a .pyi stub beside it declares its names"
    assert "protocol buffer" in (index.runtime_names("pkg/msg_pb2.py") or "")
    assert index.runtime_names("pkg/plain.py") is None
    assert index.module_bindings("pkg.plain") == {"X"}
    assert index.module_bindings("pkg.dyn") is None


def test_importers_in_every_form(tmp_path: Path) -> None:
    project = Project.from_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": "X = 1\n",
            "app/a.py": "from app.models import X\n",
            "app/b.py": "from . import models\n",
            "app/c.py": "import app.models\n",
            "app/d.py": "from .models import X\n",
            "app/e.py": "from app import other\n",
        },
    )
    assert ProjectIndex(project).importers("app.models") == {
        "app/a.py",
        "app/b.py",
        "app/c.py",
        "app/d.py",
    }


def test_one_resolver_of_relative_modules() -> None:
    assert absolute_module("app.models", 1, "user") == "app.models.user"
    assert absolute_module("app.models", 2, None) == "app"
    assert absolute_module("app", 1, None) == "app"
    # Beyond the top-level package, or from a top-level module: Python cannot resolve it.
    assert absolute_module("app", 2, "x") is None
    assert absolute_module("", 1, "x") is None
    assert absolute_module(None, 1, "x") is None
    assert absolute_module(None, 0, "x") == "x"


# ---------------------------------------------------------------- the command line


def test_version_imports_neither_libcst_nor_git_nor_rich() -> None:
    code = (
        "import sys\n"
        "from fixup.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('libcst', 'git', 'rich') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[-1] == "[]"


def test_doctor_timeout_default_matches_the_doctor() -> None:
    from fixup.cli import DOCTOR_TIMEOUT
    from fixup.doctor import DEFAULT_TIMEOUT

    assert DOCTOR_TIMEOUT == DEFAULT_TIMEOUT


# ---------------------------------------------------------------- the run cache


def fixup_in_subprocess(root: Path, *args: str) -> tuple[str, str, list[str]]:
    """Run ``fixup ARGS ROOT`` in a fresh interpreter: (stdout, stderr, heavy modules loaded)."""
    code = (
        "import sys\n"
        "from fixup.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('LOADED', sorted(m for m in ('libcst', 'fixup.fixers.relative_imports', 'rich') "
        "if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *args, str(root)], capture_output=True, text=True, check=True
    )
    out, _, loaded = proc.stdout.rpartition("LOADED ")
    return out, proc.stderr, eval(loaded)


def relative_import_project(root: Path) -> None:
    commit(
        root,
        {
            "app/__init__.py": "",
            "app/models.py": "X = 1\n",
            "app/api/__init__.py": "",
            "app/api/views.py": "from ..models import X\n",
            "pyproject.toml": '[tool.fixup.relative-imports]\nstyle = "absolute"\n',
        },
        "Add",
        0,
    )


def test_a_warm_rerun_loads_no_fixer_and_says_the_same(tmp_path: Path) -> None:
    """Into a pipe without colour, not even rich: its console is a fifth of a warm run."""
    relative_import_project(tmp_path)
    cold = fixup_in_subprocess(tmp_path, "--dry-run")
    warm = fixup_in_subprocess(tmp_path, "--dry-run")
    assert "+from app.models import X" in cold[0]
    assert warm[:2] == cold[:2]
    assert cold[2] == ["fixup.fixers.relative_imports", "libcst"]
    assert warm[2] == []


def test_a_changed_file_misses_the_run_cache(tmp_path: Path) -> None:
    relative_import_project(tmp_path)
    fixup_in_subprocess(tmp_path, "--dry-run")
    (tmp_path / "app/api/views.py").write_text("from ..models import X as Y\n")
    out, _, loaded = fixup_in_subprocess(tmp_path, "--dry-run")
    assert "+from app.models import X as Y" in out
    assert "libcst" in loaded


def test_deleted_classes_leaves_modules_with_names_made_at_run_time_alone(tmp_path: Path) -> None:
    from fixup.fixers import FixerContext, deleted_classes

    project = Project.from_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/msg_pb2.py": "_builder.BuildTopDescriptorsAndMessages(DESCRIPTOR, __name__, _g)\n",
            "app/stubbed.py": "X = 1\n",
            "app/stubbed.pyi": "X: int\nY: int\n",
            "app/main.py": "from app.msg_pb2 import Hello\nfrom app.stubbed import Y\n",
        },
    )
    ctx = FixerContext(project=project, options={}, cache=Cache(None, "x"), config=Config())
    plan = deleted_classes.plan(ctx)
    assert plan.fixes == []
    assert [d.severity for d in plan.diagnostics] == ["info", "info"]
    assert "protocol buffer" in plan.diagnostics[0].message
    assert ".pyi stub" in plan.diagnostics[1].message


def test_facts_of_absolutised_imports_match_a_parse_of_the_new_text() -> None:
    from fixup.index import with_absolute_imports

    before = textwrap.dedent(
        """\
        from . import models
        from .models import User, Item as I
        from .. import *


        def late():
            from .models import Late
            return models.X, User, I, Late
        """
    )
    after = before.replace("from . import", "from app.api import", 1)
    after = after.replace("from .models", "from app.api.models").replace("from ..", "from app")
    moves = {(1, "", 1): "app.api", (1, "models", 2): "app.api.models", (2, "", 3): "app"}
    moves[(1, "models", 7)] = "app.api.models"
    assert with_absolute_imports(file_facts(before), moves) == file_facts(after)


def test_the_run_cache_keeps_every_field_of_a_fix() -> None:
    """A field the cache drops is lost on every warm run (``renamed_away`` tells the proofs and
    the doctor that an old package name is the project's)."""
    import dataclasses

    from fixup.fix import FileChange, Fix, Provenance
    from fixup.runcache import _fix_from_json, _fix_to_json

    fix = Fix(
        fixer="moved-modules",
        title="Import service.models instead of the renamed app.models",
        explanation="why",
        changes=(FileChange("env.py", "import app.models\n", "import service.models\n", None),),
        provenance=(Provenance("renamed in abc123", path="service/models.py"),),
        safe=False,
        renamed_away=frozenset({"app"}),
    )
    defaults = Fix(fixer="x", title="", explanation="", changes=())
    changed = {f.name for f in dataclasses.fields(Fix)} - {
        f.name for f in dataclasses.fields(Fix) if getattr(fix, f.name) == getattr(defaults, f.name)
    }
    assert changed == {f.name for f in dataclasses.fields(Fix)}, "set every field above"
    assert _fix_from_json(_fix_to_json(fix, full=True), None) == fix

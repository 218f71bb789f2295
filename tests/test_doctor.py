"""``fixup doctor``: real interpreters importing small seed-shaped projects built in tmp folders."""

from __future__ import annotations

import io
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from fixup.config import Config
from fixup.doctor import (
    check_imports,
    diagnose,
    find_causes,
    print_doctor,
    unsatisfied,
)
from fixup.doctor import doctor_json as doctor_json_of
from fixup.fix import FileChange, Fix, Plan
from fixup.fixers import Fixer, FixerContext, all_fixers, get_fixer
from fixup.pipeline import run
from fixup.project import Project
from fixup.sandbox import find_interpreter, scratch_copy
from tests.golden import Case, build_project, collect, git, run_cli, tree

#: Seed 001's shape: ``python dev_server.py`` from backend/, routers reaching "beyond" with ``..``.
SEED_001 = {
    "backend/dev_server.py": """\
        from routers import files, projects, tasks

        if __name__ == "__main__":
            print("serving", projects, tasks, files)
    """,
    "backend/routers/__init__.py": "",
    "backend/routers/projects.py": """\
        \"\"\"Project endpoints.\"\"\"
        from ..services.database_services import get_session
    """,
    "backend/routers/tasks.py": "from ..auth.dependencies import current_user\n",
    "backend/routers/files.py": "from ..config import settings\n",
    "backend/services/__init__.py": "",
    "backend/services/database_services.py": "def get_session():\n    return 'session'\n",
    "backend/auth/__init__.py": "",
    "backend/auth/dependencies.py": "def current_user():\n    return 'me'\n",
    "backend/config.py": "settings = {'debug': True}\n",
    # A module with a side effect at import: it must land in the scratch copy, not here.
    "backend/side_effect.py": "with open('written_at_import.txt', 'w') as f:\n    f.write('x')\n",
}


def make_repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    for path, text in files.items():
        full = root / path
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_text(textwrap.dedent(text))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Initial")
    return root


def doctor_json(*args: str) -> tuple[int, dict[str, Any], str]:
    code, stdout, stderr = run_cli("doctor", "--format", "json", "--no-cache", *args)
    assert code in (0, 1), stderr
    return code, json.loads(stdout), stderr


def row(data: dict[str, Any], module: str) -> dict[str, Any]:
    matches = [m for m in data["modules"] if m["module"] == module]
    assert len(matches) == 1, [m["module"] for m in data["modules"]]
    return matches[0]


def test_seed_001_fails_before_and_imports_after(tmp_path: Path) -> None:
    project = make_repo(tmp_path / "wit", SEED_001)
    untouched = tree(project)

    code, data, _ = doctor_json(str(project))

    assert code == 0
    assert data["summary"]["failed_before"] == 4  # dev_server and the three routers
    assert data["summary"]["failed_after"] == 0
    projects = row(data, "routers.projects")
    assert projects["before"]["kind"] == "relative-import"
    assert projects["before"]["summary"] == "attempted relative import beyond top-level package"
    assert (projects["before"]["path"], projects["before"]["line"]) == (
        "backend/routers/projects.py",
        2,
    )
    assert projects["before"]["fixer"] == "relative-imports"
    assert projects["ok_after"]
    server = row(data, "dev_server")
    assert server["entry"] == "app entry point"
    assert not server["ok_before"] and server["ok_after"]
    assert row(data, "side_effect")["ok_before"]
    # Nothing was written to the user's files: no file from the import, no bytecode.
    assert tree(project) == untouched
    assert not list(project.rglob("__pycache__"))


def test_text_report_shows_the_table_and_headline(tmp_path: Path) -> None:
    project = make_repo(tmp_path / "wit", SEED_001)

    code, stdout, _ = run_cli("doctor", "--no-cache", str(project))

    assert code == 0
    lines = stdout.splitlines()
    assert lines[0].split() == ["module", "(path)", "before", "after"]
    server = next(
        line for line in lines if line.startswith("dev_server (backend/dev_server.py) (entry)")
    )
    assert server.split()[-1] == "ok"
    assert "attempted relative import beyond top-level package" in server
    assert (
        "backend/routers/projects.py:2: routers.projects: ImportError: attempted relative import beyond top-level package [fixer: relative-imports]"
        in stdout
    )
    assert "4 modules failed to import -> 0 (3 fixes pending" in stdout


GOLDEN_WITH_IMPORTS = [c for c in collect() if c.imports and c.imports_fail_before]


@pytest.mark.parametrize("case", GOLDEN_WITH_IMPORTS, ids=[c.id for c in GOLDEN_WITH_IMPORTS])
def test_golden_apps_fail_before_and_import_after(case: Case, tmp_path: Path) -> None:
    """On the other fixers' seed-shaped golden projects: what the case imports fails before
    the fixes and imports after them, as the doctor sees it."""
    project = build_project(case, tmp_path)
    pairs = ("--select", "--ignore")
    selection = [
        a
        for i, a in enumerate(case.args)
        if a in (*pairs, "--unsafe-fixes") or (i and case.args[i - 1] in pairs)
    ]

    _, data, _ = doctor_json(*selection, str(project))

    rows = [row_for_import(data, module) for module in case.imports]
    assert any(not r["ok_before"] for r in rows), "the doctor sees nothing broken before the fixes"
    for r in rows:
        assert r["ok_after"], r["after"]
        if r["before"] is not None:
            assert r["before"]["fixer"] == case.fixer, r["before"]


def row_for_import(data: dict[str, Any], name: str) -> dict[str, Any]:
    """The row of a module a golden case imports: by module name, or (for a script such as
    alembic's ``env.py`` run with its folder on PYTHONPATH) by file."""
    by_name = [m for m in data["modules"] if m["module"] == name]
    if by_name:
        return row(data, name)
    suffix = "/" + name.replace(".", "/") + ".py"
    by_path = [m for m in data["modules"] if ("/" + (m["path"] or "")).endswith(suffix)]
    assert len(by_path) == 1, (name, [m["module"] for m in data["modules"]])
    return by_path[0]


def test_missing_dependency_is_reported_not_a_crash(tmp_path: Path) -> None:
    project = make_repo(
        tmp_path / "app",
        {
            "app/__init__.py": "",
            "app/auth.py": "import os\nfrom fixup_test_absent_dependency.jwt import encode\n",
            "app/config.py": "DEBUG = True\n",
        },
    )

    code, data, _ = doctor_json(str(project))

    assert code == 1
    auth = row(data, "app.auth")
    assert auth["after"]["kind"] == "dependency-missing"
    assert auth["after"]["summary"] == "dependency missing: fixup_test_absent_dependency"
    assert (auth["after"]["path"], auth["after"]["line"]) == ("app/auth.py", 2)
    assert row(data, "app.config")["ok_after"]

    code, stdout, _ = run_cli("doctor", "--no-cache", str(project))
    assert code == 1
    assert (
        "Missing dependencies: install the app's requirements in python "
        f"{data['python']['version']}'s environment ({data['python']['path']}): "
        "1 module needs fixup_test_absent_dependency\n"
    ) in stdout


def test_missing_project_module_is_not_a_missing_dependency(tmp_path: Path) -> None:
    project = make_repo(
        tmp_path / "app",
        {
            "app/__init__.py": "",
            "app/models/__init__.py": "",
            "app/api.py": "from app.models.image import Image\n",
        },
    )

    _, data, _ = doctor_json(str(project))

    failure = row(data, "app.api")["before"]
    assert failure["kind"] == "module-not-found"
    assert failure["summary"] == "ModuleNotFoundError: No module named 'app.models.image'"
    installed = {fixer.name for fixer in all_fixers()}
    assert failure["fixer"] == ("moved-modules" if "moved-modules" in installed else None)


def test_module_that_hangs_is_stopped_at_the_time_limit(tmp_path: Path) -> None:
    project = make_repo(
        tmp_path / "app",
        {
            "app/__init__.py": "",
            "app/poller.py": "import time\n\nwhile True:\n    time.sleep(0.05)\n",
            "app/views.py": "VIEWS = []\n",
        },
    )

    code, data, _ = doctor_json("--timeout", "1", str(project))

    assert code == 1
    failure = row(data, "app.poller")["before"]
    assert failure["kind"] == "timeout"
    assert failure["summary"].startswith("timeout: still importing after 1s (in app/poller.py:")
    assert failure["path"] == "app/poller.py" and failure["line"] in (3, 4)
    assert row(data, "app.views")["ok_before"]


def test_modules_that_exit_the_process_are_reported(tmp_path: Path) -> None:
    project = make_repo(
        tmp_path / "app",
        {
            "app/__init__.py": "",
            "app/cli.py": "import sys\n\nsys.exit(3)\n",
            "app/hard.py": "import os\n\nos._exit(4)\n",
            "app/views.py": "VIEWS = []\n",
        },
    )

    code, data, _ = doctor_json(str(project))

    assert code == 1
    soft, hard = row(data, "app.cli")["before"], row(data, "app.hard")["before"]
    assert (soft["kind"], soft["summary"], soft["line"]) == (
        "exit",
        "exited the process: sys.exit(3)",
        3,
    )
    assert (hard["kind"], hard["summary"], hard["line"]) == (
        "exit",
        "exited the process: os._exit(4)",
        3,
    )
    assert row(data, "app.views")["ok_before"]


def test_no_interpreter_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_repo(tmp_path / "app", {"main.py": "print('hi')\n"})
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.setenv("PATH", str(empty))

    code, _, stderr = run_cli("doctor", str(project))

    assert code == 2
    assert "no Python interpreter found: pass --python PATH" in stderr


def test_python_option_that_is_no_interpreter(tmp_path: Path) -> None:
    project = make_repo(tmp_path / "app", {"main.py": "print('hi')\n"})
    not_python = tmp_path / "not-python"
    not_python.write_text("#!/bin/sh\nexit 5\n")
    not_python.chmod(0o755)

    code, _, stderr = run_cli("doctor", "--python", str(tmp_path / "missing"), str(project))
    assert code == 2
    assert f"--python {tmp_path / 'missing'}: no such interpreter" in stderr

    code, _, stderr = run_cli("doctor", "--python", str(not_python), str(project))
    assert code == 2
    assert "is not a working Python interpreter" in stderr


def test_python_option_chooses_the_interpreter(tmp_path: Path) -> None:
    project = make_repo(tmp_path / "app", {"main.py": "VALUE = 1\n"})

    code, data, _ = doctor_json("--python", sys.executable, str(project))

    assert code == 0
    assert data["python"]["path"] == sys.executable
    assert data["python"]["source"] == "--python"


MODELS = {
    "app/__init__.py": "",
    "app/db.py": """\
        from sqlalchemy.orm import DeclarativeBase


        class Base(DeclarativeBase):
            pass
    """,
    "app/agents.py": """\
        from sqlalchemy import Column, Integer

        from app.db import Base


        class Agent(Base):
            __tablename__ = "agents"
            id = Column(Integer, primary_key=True)
    """,
    # A stale copy: imports fine alone, but maps the same table in the same metadata.
    "app/agents_old.py": """\
        from sqlalchemy import Column, Integer

        from app.db import Base


        class AgentOld(Base):
            __tablename__ = "agents"
            id = Column(Integer, primary_key=True)
    """,
    "app/owners.py": """\
        from sqlalchemy import Column, Integer
        from sqlalchemy.orm import relationship

        from app.db import Base


        class Owner(Base):
            __tablename__ = "owners"
            id = Column(Integer, primary_key=True)
            pets = relationship("Pet")
    """,
}


def test_model_modules_together_and_configure_mappers(tmp_path: Path) -> None:
    project = make_repo(tmp_path / "app", MODELS)

    _, data, _ = doctor_json("--select", "relative-imports", str(project))

    assert row(data, "app.agents")["ok_before"]
    stale = row(data, "app.agents_old")["before"]
    assert stale["kind"] == "table-already-defined"
    assert stale["together"] is True
    assert stale["path"] == "app/agents_old.py" and stale["line"] == 6
    mappers = row(data, "configure_mappers()")["before"]
    assert mappers["kind"] == "mapper-configuration"
    assert "expression 'Pet' failed to locate a name" in mappers["message"]
    assert (mappers["path"], mappers["line"]) == ("app/owners.py", 7)


def test_classifies_start_up_errors(tmp_path: Path) -> None:
    project = make_repo(
        tmp_path / "app",
        {
            "app/__init__.py": "",
            "app/names.py": "ROUTES = [missing_router]\n",
            "app/a.py": "from app.b import B\n\nA = 1\n",
            "app/b.py": "from app.a import A\n\nB = 2\n",
            "app/schemas.py": """\
                from pydantic import BaseModel, Field


                class User(BaseModel):
                    name = Field(default="x")
            """,
            "app/models.py": "Thing = 1\n",
            "app/api.py": "from app.models import Gone\n",
            "app/views.py": "from app.models import Widget\n",
            "app/widgets.py": "class Widget:\n    pass\n",
            "app/broken.py": "def f(:\n    pass\n",
        },
    )

    _, data, _ = doctor_json("--select", "relative-imports", str(project))

    def kind(module: str) -> str:
        return str(row(data, module)["before"]["kind"])

    assert kind("app.names") == "name-error"
    assert kind("app.a") == "circular-import"
    assert kind("app.schemas") == "pydantic"
    assert kind("app.api") == "missing-name"  # defined nowhere: deleted
    assert kind("app.views") == "moved-name"  # defined in app.widgets: moved
    assert kind("app.broken") == "syntax-error"
    assert row(data, "app.broken")["before"]["line"] == 1
    assert row(data, "app.names")["before"]["line"] == 1
    assert row(data, "app.models")["ok_before"]


def test_entry_option(tmp_path: Path) -> None:
    project = make_repo(
        tmp_path / "svc",
        {"svc/__init__.py": "", "svc/server.py": "app = object()\n", "svc/util.py": "X = 1\n"},
    )

    _, data, _ = doctor_json("--entry", "svc.server:app", str(project))
    assert row(data, "svc.server")["entry"] == "--entry"
    assert row(data, "svc.util")["entry"] is None

    code, _, stderr = run_cli("doctor", "--entry", "svc/nothing.py", str(project))
    assert code == 2
    assert "--entry svc/nothing.py: not a module or file of the project" in stderr


def test_alembic_env_imports_are_entry_points(tmp_path: Path) -> None:
    project = make_repo(
        tmp_path / "svc",
        {
            "app/__init__.py": "",
            "app/models.py": "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n",
            "migrations/env.py": (
                "from alembic import context\n\nfrom app.models import Base\n"
                "from app.models.image import Image\n\n"
                "target_metadata = Base.metadata\nconfig = context.config\n"
            ),
            "migrations/versions/0001_init.py": "from alembic import op\n\nrevision = '0001'\n",
        },
    )

    _, data, _ = doctor_json(str(project))

    assert row(data, "app.models")["entry"] == "imported by migrations/env.py"
    env = [m for m in data["modules"] if m["path"] == "migrations/env.py"]
    assert len(env) == 1 and env[0]["entry"] == "alembic env.py (its imports)"
    # Its imports run (the rest needs alembic's context); the stale one is reported.
    failure = env[0]["before"]
    assert failure["summary"].startswith("ModuleNotFoundError: No module named 'app.models.image'")
    assert (failure["path"], failure["line"]) == ("migrations/env.py", 4)
    assert not [m for m in data["modules"] if "versions" in (m["path"] or "")]


def test_without_fork_each_module_gets_its_own_process(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "wit", {**SEED_001, "backend/slow.py": "import time\ntime.sleep(30)\n"}
    )
    project = Project.load(root, Config())

    with scratch_copy(project) as scratch:
        checked = check_imports(
            project, scratch, find_interpreter(sys.executable), timeout=2, fork=False
        )

    failures = checked.failures
    assert failures["backend/routers/projects.py"].kind == "relative-import"
    assert failures["backend/slow.py"].kind == "timeout"
    assert "backend/config.py" not in failures


def test_files_fixup_does_not_read_stay_in_the_scratch_copy(tmp_path: Path) -> None:
    project = make_repo(
        tmp_path / "app",
        {
            "pyproject.toml": '[tool.fixup]\nexclude = ["legacy/**"]\n',
            "legacy/__init__.py": "",
            "legacy/helpers.py": "HELPER = 1\n",
            "app/__init__.py": "",
            "app/main.py": "from legacy.helpers import HELPER\n",
            "app/jobs.py": "import time\ntime.sleep(30)\n",
        },
    )

    code, data, _ = doctor_json("--exclude", "app/jobs.py", "--timeout", "5", str(project))

    assert code == 0
    assert row(data, "app.main")["ok_before"]
    assert [m["module"] for m in data["modules"]] == ["app.main", "app"]


# ---------------------------------------------------------------------------- issue 13


BREAKS = {
    "backend/config.py": "raise RuntimeError('config broken by a fix')\n",
    "backend/services/database_services.py": "raise RuntimeError('db broken by a fix')\n",
}


def plan_breaking(ctx: FixerContext) -> Plan:
    """A test-only fixer: breaks config.py, adds a harmless module, breaks the db service."""
    files = ctx.project.files

    def breaking(path: str, title: str) -> Fix:
        return Fix("breaking", title, "Harmful.", (FileChange(path, files[path], BREAKS[path]),))

    return Plan(
        fixes=[
            breaking("backend/config.py", "Break the config"),
            Fix("breaking", "Add notes", "Harmless.", (FileChange("backend/notes.py", None, ""),)),
            breaking("backend/services/database_services.py", "Break the database service"),
        ]
    )


BREAKING = Fixer(name="breaking", order=90, doc="Test only.", options={}, plan=plan_breaking)


def test_newly_failing_modules_are_attributed_to_the_fix_that_breaks_them(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "wit", SEED_001)
    report = run(
        Project.load(root, Config()),
        [get_fixer("relative-imports"), BREAKING],
        Config(),
        use_cache=False,
    )
    assert len(report.fixes) == 6  # three relative-import fixes, then the test fixer's three
    steps: list[str] = []

    result = diagnose(
        report.before, report.after, find_interpreter(sys.executable),
        fixes=len(report.fixes), applied=report.fixes, say=steps.append,
    )  # fmt: skip

    causes = {r.key: r.caused_by.title for r in result.rows if r.caused_by is not None}
    assert causes == {
        "backend/config.py": "Break the config",
        "backend/services/database_services.py": "Break the database service",
    }
    assert steps and all(s.startswith("bisecting: importing with the first") for s in steps)
    out = io.StringIO()
    print_doctor(result, out)
    text = out.getvalue()
    section = text.split("Newly failing after the fixes: 2:\n")[1].split("\n\n")[0]
    assert section.splitlines() == [
        "  backend/config.py:1: config: RuntimeError: config broken by a fix "
        "[caused by [breaking] Break the config]",
        "  backend/services/database_services.py:1: services.database_services: RuntimeError: "
        "db broken by a fix [caused by [breaking] Break the database service]",
    ]
    # routers.files failed before (a relative import) and fails after (the config): it is
    # still failing, not newly failing.
    still = text.split("Still failing after the fixes:\n")[1]
    assert "backend/config.py:1: routers.files: RuntimeError" in still
    assert "2 newly failing after the fixes" in result.headline
    data = json.loads(json.dumps(doctor_json_of(result)))
    assert data["summary"]["newly_failing"] == 2
    assert row(data, "config")["caused_by"] == {"fixer": "breaking", "title": "Break the config"}
    assert row(data, "routers.files")["caused_by"] is None


def test_find_causes_shares_the_versions_it_checks(tmp_path: Path) -> None:
    # Fix i breaks module m<i>; three modules need an answer, and no version is checked twice.
    base = Project.from_files(tmp_path, {f"m{i}.py": "ok\n" for i in range(8)})
    fixes = [
        Fix("f", f"fix {i}", "", (FileChange(f"m{i}.py", "ok\n", "broken\n"),)) for i in range(8)
    ]
    checked: list[int] = []

    def failing_with(project: Project) -> frozenset[str]:
        broken = frozenset(p for p, text in project.files.items() if text == "broken\n")
        checked.append(len(broken))
        return broken

    causes = find_causes(base, fixes, {"m1.py", "m4.py", "m6.py"}, failing_with)

    assert {key: fix.title for key, fix in causes.items()} == {
        "m1.py": "fix 1",
        "m4.py": "fix 4",
        "m6.py": "fix 6",
    }
    assert len(checked) == len(set(checked)) <= 6


def test_module_names_have_their_path_beside_them(tmp_path: Path) -> None:
    # The same package name in several example folders: each row says which one it is.
    files = {}
    for example in ("one", "two"):
        files[f"examples/{example}/app/__init__.py"] = ""
        files[f"examples/{example}/app/main.py"] = "from ..shared import x\n"
    project = make_repo(tmp_path / "repo", files)

    code, stdout, _ = run_cli("doctor", "--no-cache", "--select", "split-models", str(project))

    assert code == 1
    lines = stdout.splitlines()
    for example in ("one", "two"):
        assert any(
            line.startswith(f"app.main (examples/{example}/app/main.py) (entry)")
            and "attempted relative import beyond top-level package" in line
            for line in lines
        ), stdout


def test_every_import_root_is_on_sys_path(tmp_path: Path) -> None:
    # backend/app imports a package of another root (libs/): both roots are on sys.path.
    project = make_repo(
        tmp_path / "repo",
        {
            "backend/app/__init__.py": "",
            "backend/app/views.py": "import shared_lib\n\nVALUE = shared_lib.VALUE\n",
            "libs/shared_lib/__init__.py": "VALUE = 1\n",
        },
    )

    code, data, _ = doctor_json(str(project))

    assert code == 0
    assert {"backend", "libs"} <= set(data["roots"])
    assert row(data, "app.views")["ok_before"]
    code, stdout, _ = run_cli("doctor", "--no-cache", str(project))
    roots = next(line for line in stdout.splitlines() if line.startswith("Import roots"))
    assert roots.startswith("Import roots, all on sys.path: ")
    assert {"backend/", "libs/"} <= set(roots.partition(": ")[2].split(", "))


def test_missing_dependencies_are_summarised_once(tmp_path: Path) -> None:
    absent = "fixup_test_absent_dependency"
    project = make_repo(
        tmp_path / "app",
        {
            "app/__init__.py": "",
            **{f"app/m{i}.py": f"from {absent} import db\n" for i in range(3)},
            "app/jwt.py": "import fixup_test_absent_jose\n",
            "app/ok.py": "VALUE = 1\n",
        },
    )

    code, stdout, _ = run_cli("doctor", "--no-cache", str(project))

    assert code == 1
    assert stdout.count(absent) == 1, stdout
    assert stdout.count("fixup_test_absent_jose") == 1, stdout
    assert "\nMissing dependencies: install the app's requirements in python " in stdout
    assert f"3 modules need {absent}, 1 module needs fixup_test_absent_jose\n" in stdout
    assert (
        "(2 more modules import before and after; 4 more fail only for a missing dependency;"
        in stdout
    )
    assert "dependency missing" not in stdout

    _, data, _ = doctor_json(str(project))
    assert data["missing_dependencies"] == {
        absent: ["app/m0.py", "app/m1.py", "app/m2.py"],
        "fixup_test_absent_jose": ["app/jwt.py"],
    }
    # -v still lists every row.
    assert run_cli("doctor", "--no-cache", "-v", str(project))[1].count("dependency missing") == 8


@pytest.mark.parametrize(
    ("spec", "age"),
    [(">=99", "too old"), (">=3.8, <3", "too new"), ("==2.7.*", "too new")],
)
def test_interpreter_outside_requires_python_is_named(tmp_path: Path, spec: str, age: str) -> None:
    project = make_repo(
        tmp_path / "app",
        {"pyproject.toml": f'[project]\nname = "app"\nrequires-python = "{spec}"\n', "main.py": ""},
    )

    code, stdout, stderr = run_cli("doctor", "--python", sys.executable, str(project / "."))

    assert (code, stdout) == (2, "")
    version = ".".join(str(n) for n in sys.version_info[:3])
    assert (
        f"fixup doctor: error: {sys.executable} (--python) is Python {version}, {age} for this "
        f"project: {project / 'pyproject.toml'} has requires-python = '{spec}'; pass --python"
    ) in stderr


def test_requires_python_that_fits_is_reported(tmp_path: Path) -> None:
    project = make_repo(
        tmp_path / "app",
        {"pyproject.toml": '[project]\nname = "app"\nrequires-python = ">=3.8,<4"\n', "m.py": ""},
    )
    code, data, _ = doctor_json("--python", sys.executable, str(project))
    assert code == 0
    assert data["python"]["requires_python"] == ">=3.8,<4"


@pytest.mark.parametrize(
    ("version", "spec", "failed"),
    [
        ("3.11.4", ">=3.10", None),
        ("3.9.1", ">=3.10", ">=3.10"),
        ("3.11.4", ">=3.10, <3.11", "<3.11"),
        ("3.11.4", "~=3.11", None),
        ("3.10.2", "~=3.11", "~=3.11"),
        ("3.12.0", "~=3.11.0", "~=3.11.0"),
        ("3.11.4", "==3.11.*", None),
        ("3.12.1", "==3.11.*", "==3.11.*"),
        ("3.11.1", "!=3.11.1", "!=3.11.1"),
        ("3.11.0", "==3.11", None),
        ("3.11.0", ">3.11", ">3.11"),
        ("3.11.4", ">=3.8; nonsense", None),
    ],
)
def test_requires_python_specifiers(version: str, spec: str, failed: str | None) -> None:
    assert unsatisfied(version, spec) == failed

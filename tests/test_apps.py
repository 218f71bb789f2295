"""The project model: which apps a repository holds, how each runs, and where its imports go.

Each test writes a small repository shaped like a real layout to disk and loads it the way the
CLI does (``Project.load``), evidence files included.
"""

from __future__ import annotations

from pathlib import Path

from fixup.config import Config
from fixup.project import Project


def load(tmp_path: Path, files: dict[str, str]) -> Project:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return Project.load(tmp_path, Config())


def test_monorepo_backend_started_by_uvicorn_in_a_dockerfile(tmp_path: Path) -> None:
    # Field report 000's shape, run from the repository's root: backend/ has no __init__.py
    # and no __main__ guard; only the Dockerfile says how it runs.
    p = load(
        tmp_path,
        {
            "backend/Dockerfile": 'FROM python:3.12\nCMD ["uvicorn", "main:app", "--port", "80"]\n',
            "backend/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
            "backend/models.py": "class User: ...\n",
            "frontend/package.json": "{}\n",
        },
    )
    assert "backend" in p.roots.paths
    assert "Dockerfile" in p.roots.sources["backend"]
    assert p.module_name("backend/models.py") == "models"
    assert p.resolve_from("backend/main.py", "models") == "backend/models.py"


def test_script_folder_importing_its_siblings_is_a_root(tmp_path: Path) -> None:
    p = load(
        tmp_path,
        {
            "service/main.py": "from models import User\n",
            "service/models.py": "class User: ...\n",
        },
    )
    assert p.roots.sources["service"].startswith("a script folder")
    assert p.resolve_from("service/main.py", "models") == "service/models.py"


def test_compose_build_context_and_gunicorn_in_a_procfile(tmp_path: Path) -> None:
    p = load(
        tmp_path,
        {
            "Procfile": "web: gunicorn -w 4 -k uvicorn.workers.UvicornWorker api.server:app\n",
            "services/api/server.py": "app = object()\n",
            "services/api/__init__.py": "",
            "services/api/routes.py": "from api.server import app\n",
        },
    )
    assert "services" in p.roots.paths
    assert p.module_name("services/api/routes.py") == "api.routes"
    assert p.resolve_from("services/api/routes.py", "api.server") == "services/api/server.py"


def test_alembic_prepend_sys_path(tmp_path: Path) -> None:
    p = load(
        tmp_path,
        {
            "backend/alembic.ini": "[alembic]\nscript_location = migrations\nprepend_sys_path = .\n",
            "backend/migrations/env.py": "from app.models import Base\n",
            "backend/app/__init__.py": "",
            "backend/app/models.py": "Base = object()\n",
        },
    )
    assert "prepend_sys_path" in p.roots.sources["backend"]
    assert p.resolve_from("backend/migrations/env.py", "app.models") == "backend/app/models.py"


def test_flask_app_and_python_m(tmp_path: Path) -> None:
    p = load(
        tmp_path,
        {
            "Makefile": "run:\n\tcd web && flask --app portal run\nworker:\n\tpython -m jobs.runner\n",
            "web/portal/__init__.py": "from portal.views import bp\n",
            "web/portal/views.py": "bp = 1\n",
            "jobs/__init__.py": "",
            "jobs/runner.py": "",
        },
    )
    assert "web" in p.roots.paths
    assert p.module_name("web/portal/views.py") == "portal.views"
    assert p.module_name("jobs/runner.py") == "jobs.runner"


def test_namespace_folder_imported_under_a_longer_name_is_no_root(tmp_path: Path) -> None:
    # FastAPI's docs_src/: no __init__.py in docs_src/ or bigger_applications/, and the tests
    # import the tutorial apps as docs_src.bigger_applications.app.main.
    p = load(
        tmp_path,
        {
            "docs_src/bigger_applications/app/__init__.py": "",
            "docs_src/bigger_applications/app/main.py": "from .routers import items\n",
            "docs_src/bigger_applications/app/routers/__init__.py": "",
            "docs_src/bigger_applications/app/routers/items.py": "from ..deps import token\n",
            "docs_src/bigger_applications/app/deps.py": "token = 1\n",
            "tests/test_bigger.py": "from docs_src.bigger_applications.app.main import app\n",
        },
    )
    assert "docs_src/bigger_applications" not in p.roots.paths
    assert (
        p.module_name("docs_src/bigger_applications/app/routers/items.py")
        == "docs_src.bigger_applications.app.routers.items"
    )
    assert (
        p.resolve_from("tests/test_bigger.py", "docs_src.bigger_applications.app.main")
        == "docs_src/bigger_applications/app/main.py"
    )


def test_src_without_init_imported_as_src_dot_x(tmp_path: Path) -> None:
    p = load(
        tmp_path,
        {
            "src/core/__init__.py": "",
            "src/core/db.py": "engine = 1\n",
            "main.py": "from src.core.db import engine\n",
        },
    )
    assert "src" not in p.roots.paths
    assert p.module_name("src/core/db.py") == "src.core.db"
    assert p.resolve_from("main.py", "src.core.db") == "src/core/db.py"


def test_tests_folder_never_competes_with_the_app(tmp_path: Path) -> None:
    p = load(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/main.py": "from utils import slug\n",
            "utils.py": "def slug(): ...\n",
            "tests/utils.py": "def make_user(): ...\n",
            "tests/test_main.py": "from utils import make_user\nfrom app.main import app\n",
        },
    )
    assert p.resolve_from("app/main.py", "utils") == "utils.py"
    assert p.resolve_from("tests/test_main.py", "utils") == "tests/utils.py"
    assert p.resolve_from("tests/test_main.py", "app.main") == "app/main.py"


def test_module_beats_a_namespace_folder_of_the_same_name(tmp_path: Path) -> None:
    p = load(
        tmp_path,
        {
            "main.py": "from models import Document\n",
            "models.py": "class Document: ...\n",
            "models/document.py": "class Document: ...\n",
        },
    )
    assert p.resolve_from("main.py", "models") == "models.py"
    assert not p.module_exists_from("main.py", "models.document")


def test_regular_package_beats_a_module_of_the_same_name(tmp_path: Path) -> None:
    p = load(
        tmp_path,
        {"main.py": "import models\n", "models.py": "", "models/__init__.py": ""},
    )
    assert p.resolve_from("main.py", "models") == "models/__init__.py"


def test_a_name_never_resolves_into_another_app(tmp_path: Path) -> None:
    p = load(
        tmp_path,
        {
            "examples/shop/main.py": "from models import Order\n",
            "examples/shop/models.py": "class Order: ...\n",
            "examples/blog/main.py": "from models import Post\nfrom views import index\n",
            "examples/blog/views.py": "def index(): ...\n",
        },
    )
    assert p.resolve_from("examples/shop/main.py", "models") == "examples/shop/models.py"
    assert p.resolve_from("examples/blog/main.py", "models") is None
    assert not p.module_exists_from("examples/blog/main.py", "models")


def test_pytest_pythonpath_is_shared(tmp_path: Path) -> None:
    p = load(
        tmp_path,
        {
            "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["lib"]\n',
            "lib/helpers.py": "",
            "tests/test_x.py": "import helpers\n",
        },
    )
    assert "lib" in p.roots.shared
    assert p.resolve_from("tests/test_x.py", "helpers") == "lib/helpers.py"


def test_ambiguous_start_command_is_said_once_with_the_setting(tmp_path: Path) -> None:
    p = load(
        tmp_path,
        {
            "docker-compose.yml": "services:\n  a:\n    command: uvicorn main:app\n",
            "a/main.py": "app = 1\n",
            "b/main.py": "app = 2\n",
        },
    )
    assert len(p.roots.ambiguities) == 1
    assert "[tool.fixup] roots" in p.roots.ambiguities[0]
    assert {"a", "b"} <= set(p.roots.paths)


def test_flask_app_given_as_a_package_file_imports_the_package(tmp_path: Path) -> None:
    # `flask --app app/__init__.py` imports the package `app`: its parent goes on sys.path.
    p = load(
        tmp_path,
        {
            "examples/shop/README.rst": "Run it::\n\n    flask --app app/__init__.py run\n",
            "examples/shop/app/__init__.py": "from . import views\n",
            "examples/shop/app/views.py": "from .models import Item\n",
            "examples/shop/app/models.py": "class Item: ...\n",
        },
    )
    assert "examples/shop/app" not in p.roots.paths
    assert p.module_name("examples/shop/app/views.py") == "app.views"

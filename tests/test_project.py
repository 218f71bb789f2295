"""The project model: import roots, module names, snapshots; and source text round trips."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from fixup.fix import FileChange, Fix
from fixup.project import ConflictError, Project
from fixup.textio import SourceError, TextFormat, decode, encode


def project(tmp_path: Path, files: dict[str, str], roots: list[str] | None = None) -> Project:
    return Project.from_files(tmp_path, files, roots)


def test_flat_layout(tmp_path: Path) -> None:
    p = project(
        tmp_path,
        {"app/__init__.py": "", "app/api/__init__.py": "", "app/api/v1.py": "", "main.py": ""},
    )
    assert p.module_name("app/api/v1.py") == "app.api.v1"
    assert p.module_name("app/api/__init__.py") == "app.api"
    assert p.module_name("main.py") == "main"
    assert p.package_of("app/api/__init__.py") == "app.api"
    assert p.package_of("app/api/v1.py") == "app.api"
    assert p.resolve("app.api") == "app/api/__init__.py"


def test_src_layout(tmp_path: Path) -> None:
    p = project(
        tmp_path, {"src/pkg/__init__.py": "", "src/pkg/mod.py": "", "tests/test_mod.py": ""}
    )
    assert p.module_name("src/pkg/mod.py") == "pkg.mod"
    assert p.roots.sources["src"] == "src/ layout"


@pytest.mark.parametrize(
    "pyproject, expected_root",
    [
        ('[tool.setuptools.packages.find]\nwhere = ["lib"]\n', "lib"),
        ('[tool.setuptools]\npackage-dir = {"" = "lib"}\n', "lib"),
        ('[tool.hatch.build.targets.wheel]\npackages = ["lib/pkg"]\n', "lib"),
        ('[tool.poetry]\npackages = [{include = "pkg", from = "lib"}]\n', "lib"),
        ("[options.packages.find]\nwhere = lib\n", "lib"),
        ("[options]\npackage_dir =\n    =lib\n", "lib"),
    ],
)
def test_roots_from_packaging_metadata(tmp_path: Path, pyproject: str, expected_root: str) -> None:
    name = "setup.cfg" if pyproject.startswith("[options") else "pyproject.toml"
    (tmp_path / name).write_text(pyproject)
    p = project(tmp_path, {"lib/pkg/__init__.py": "", "lib/pkg/mod.py": ""})
    assert expected_root in p.roots.paths
    assert p.module_name("lib/pkg/mod.py") == "pkg.mod"


def test_script_folder_without_init_is_a_root(tmp_path: Path) -> None:
    files = {
        "backend/dev_server.py": "from routers import a\nif __name__ == '__main__':\n    pass\n",
        "backend/routers/__init__.py": "",
        "backend/routers/a.py": "",
        "backend/services/db.py": "",  # a namespace package beside it
    }
    p = project(tmp_path, files)
    assert p.module_name("backend/routers/a.py") == "routers.a"
    assert p.module_name("backend/services/db.py") == "services.db"
    assert p.module_exists("services")
    assert p.package_of("backend/routers/a.py") == "routers"


def test_entry_script_inside_a_package_folder_makes_it_a_root(tmp_path: Path) -> None:
    files = {
        "backend/__init__.py": "",
        "backend/main.py": "import uvicorn\nfrom routers import a\nuvicorn.run(app)\n",
        "backend/routers/__init__.py": "",
        "backend/routers/a.py": "",
    }
    p = project(tmp_path, files)
    assert p.module_name("backend/routers/a.py") == "routers.a"
    assert "entry script backend/main.py" in p.roots.sources["backend"]


def test_declared_roots_win_and_several_roots_coexist(tmp_path: Path) -> None:
    files = {"api/app/__init__.py": "", "worker/app/__init__.py": "", "worker/app/jobs.py": ""}
    p = project(tmp_path, files, roots=["api", "worker"])
    assert p.roots.declared
    assert p.module_name("worker/app/jobs.py") == "app.jobs"
    assert p.resolve("app") is None  # ambiguous across roots
    assert p.resolve("app", root="worker") == "worker/app/__init__.py"


def test_namespace_folder_inside_a_package(tmp_path: Path) -> None:
    p = project(tmp_path, {"src/flaskish/__init__.py": "", "src/flaskish/sansio/app.py": ""})
    assert p.module_name("src/flaskish/sansio/app.py") == "flaskish.sansio.app"
    assert p.module_exists("flaskish.sansio")


def test_apply_gives_a_new_snapshot_and_rejects_stale_fixes(tmp_path: Path) -> None:
    p = project(tmp_path, {"a.py": "x = 1\n"})
    fix = Fix(
        "t", "t", "t", (FileChange("a.py", "x = 1\n", "x = 2\n"), FileChange("b.py", None, "y\n"))
    )
    q = p.apply(fix)
    assert p.files == {"a.py": "x = 1\n"}
    assert q.files == {"a.py": "x = 2\n", "b.py": "y\n"}
    with pytest.raises(ConflictError):
        q.apply(fix)


@pytest.mark.parametrize(
    "data",
    [
        b"x = 1\n",
        b"x = 1\r\ny = 2\r\n",
        b"\xef\xbb\xbfx = '\xc3\xa9'\n",
        b"# -*- coding: latin-1 -*-\nx = '\xe9'\n",
        b"x = 1\r\ny = 2\n",  # mixed endings are kept as they are
        b"x = 1",
    ],
)
def test_decode_encode_round_trip(data: bytes) -> None:
    text, fmt = decode(data)
    assert "\r\n" not in text or fmt.newline == ""
    assert encode(text, fmt) == data


def test_decode_reports_the_reason() -> None:
    with pytest.raises(SourceError, match="cannot decode as utf-8"):
        decode(b"x = '\xe9'\n")
    assert decode(b"x\r\n")[1] == TextFormat("utf-8", "\r\n")


def test_extension_modules_exist_for_imports(tmp_path: Path) -> None:
    from fixup.config import Config

    files = {
        "pkg/__init__.py": "",
        "pkg/ext/__init__.py": "",
        "pkg/ext/fast.pyx": "def f(): pass\n",
        "pkg/ext/speedups.cpython-311-x86_64-linux-gnu.so": "",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    p = Project.load(tmp_path, Config())
    assert "pkg/ext/fast.pyx" not in p.files
    assert p.module_exists("pkg.ext.fast")
    assert p.module_exists("pkg.ext.speedups")
    assert not p.module_exists("pkg.ext.slow")


def test_new_files_are_written_like_the_file_they_take_code_from(tmp_path: Path) -> None:
    from fixup.textio import decode

    text, fmt = decode(b"class A:\r\n    pass\r\n")
    p = Project.from_files(tmp_path, {"models.py": text})
    p = replace(p, formats={"models.py": fmt})
    split = Fix(
        "split-models",
        "t",
        "t",
        (
            FileChange("models/__init__.py", None, "from models.a import A\n"),
            FileChange("models/a.py", None, text),
            FileChange("models.py", text, None),
        ),
    )
    q = p.apply(split)
    assert q.formats["models/__init__.py"].newline == "\r\n"
    assert q.formats["models/a.py"].newline == "\r\n"
    # With nothing to take after, a new file gets the default.
    fresh = Fix("t", "t", "t", (FileChange("new.py", None, "x = 1\n"),))
    assert p.apply(fresh).formats["new.py"].newline == "\n"

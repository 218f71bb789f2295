"""The proofs a fix must pass before it is proposed (fixup/proof.py)."""

from __future__ import annotations

from pathlib import Path

from fixup.fix import FileChange, Fix
from fixup.project import Project
from fixup.proof import disproof


def prove(tmp_path: Path, files: dict[str, str], path: str, new: str) -> str | None:
    before = Project.from_files(tmp_path, files)
    fix = Fix("test", "a fix", "why", (FileChange(path, files.get(path), new),))
    failed = disproof(fix, before, before.apply(fix))
    if failed is None:
        return None
    assert failed[0] == path
    return failed[1]


APP = {
    "app/__init__.py": "",
    "app/security.py": "class SecurityManager: ...\n",
    "app/main.py": "from app.security import SecurityManager\n",
}


def test_an_import_of_a_name_the_source_defines_passes(tmp_path: Path) -> None:
    new = "from app.security import SecurityManager\nfrom app import security\nimport os\n"
    assert prove(tmp_path, APP, "app/main.py", new) is None


def test_a_re_export_of_a_name_its_source_no_longer_defines_fails(tmp_path: Path) -> None:
    new = "from app.security import SecurityManager, AUTH_OID\n"
    reason = prove(tmp_path, APP, "app/main.py", new)
    assert reason is not None and "does not define `AUTH_OID`" in reason


def test_an_import_of_a_module_that_does_not_exist_fails(tmp_path: Path) -> None:
    reason = prove(tmp_path, APP, "app/main.py", "from app.sqla import SQLA\n")
    assert reason is not None and "`app.sqla`, which does not exist" in reason


def test_a_module_importing_a_name_from_itself_fails(tmp_path: Path) -> None:
    # The name is bound by the import itself, but the half-initialised module lacks it then.
    new = "from app.security import Role\n\n\nclass SecurityManager: ...\n\n\nclass Role: ...\n"
    reason = prove(tmp_path, APP, "app/security.py", new)
    assert reason is not None and "from itself" in reason


def test_an_import_the_file_already_had_is_not_the_fixs_claim(tmp_path: Path) -> None:
    files = {**APP, "app/main.py": "from app.gone import Old\n"}
    assert prove(tmp_path, files, "app/main.py", "from app.gone import Old\nX = 1\n") is None


def test_third_party_imports_are_not_judged(tmp_path: Path) -> None:
    assert prove(tmp_path, APP, "app/main.py", "from sqlalchemy import Column\n") is None


def test_a_relative_import_beyond_the_top_level_package_fails(tmp_path: Path) -> None:
    reason = prove(tmp_path, APP, "app/main.py", "from ..security import SecurityManager\n")
    assert reason is not None and "beyond the top-level package" in reason


def test_output_that_does_not_parse_fails(tmp_path: Path) -> None:
    reason = prove(tmp_path, APP, "app/main.py", "def broken(:\n")
    assert reason is not None and "would not parse" in reason


def test_names_made_at_run_time_cannot_be_disproved(tmp_path: Path) -> None:
    files = {**APP, "app/security.py": "def __getattr__(name): ...\n"}
    assert prove(tmp_path, files, "app/main.py", "from app.security import Anything\n") is None


def test_a_relative_import_made_absolute_is_the_same_import(tmp_path: Path) -> None:
    # `from ._speedups import x` in a try/except ImportError: missing before and after.
    files = {
        **APP,
        "app/main.py": "try:\n    from ._speedups import x\nexcept ImportError:\n    x = None\n",
    }
    new = "try:\n    from app._speedups import x\nexcept ImportError:\n    x = None\n"
    assert prove(tmp_path, files, "app/main.py", new) is None


def test_a_working_import_is_never_redirected(tmp_path: Path) -> None:
    files = {**APP, "app/legacy.py": "class SecurityManager: ...\n"}
    reason = prove(tmp_path, files, "app/main.py", "from app.legacy import SecurityManager\n")
    assert reason is not None and "came from `app.security`, which works" in reason


def test_a_broken_import_pointed_at_the_right_module_may_wait_for_its_name(tmp_path: Path) -> None:
    # relative-imports repairs `from ..security import Gone` (beyond the top-level package)
    # before deleted-classes restores Gone: the module must exist, the name may come later.
    files = {
        "routers/__init__.py": "",
        "routers/views.py": "from ..security import Gone\n",
        "security.py": "class SecurityManager: ...\n",
    }
    assert prove(tmp_path, files, "routers/views.py", "from security import Gone\n") is None
    reason = prove(tmp_path, files, "routers/views.py", "from routers.gone import Gone\n")
    assert reason is not None and "does not exist" in reason

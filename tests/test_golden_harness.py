"""The golden harness holds each case to its name (throwaway cases in tmp_path)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.golden import Case, check_case

#: relative-imports rewrites every relative import when asked to (style = "absolute").
CONFIG = {"pyproject.toml": '[tool.fixup.relative-imports]\nstyle = "absolute"\n'}
BROKEN = {
    **CONFIG,
    "pkg/__init__.py": "from .mod import f\n",
    "pkg/mod.py": "def f():\n    pass\n",
}
FIXED = {**BROKEN, "pkg/__init__.py": "from pkg.mod import f\n"}


def make_case(root: Path, name: str, before: dict[str, str], after: dict[str, str] | None) -> Case:
    """golden/relative_imports/<name>/ with before/ and, when given, after/."""
    folder = root / "golden" / "relative_imports" / name
    for part, files in (("before", before), ("after", after)):
        for path, text in (files or {}).items():
            (folder / part / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / part / path).write_text(text)
    return Case(path=folder, fixer="relative-imports", args=["--select", "relative-imports"])


def run(case: Case, tmp_path: Path) -> None:
    work = tmp_path / "run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    check_case(case, work)


def test_a_fix_case_that_fixes_passes(tmp_path: Path) -> None:
    run(make_case(tmp_path, "fix_relative_import", BROKEN, FIXED), tmp_path)


def test_a_noop_case_that_changes_nothing_passes(tmp_path: Path) -> None:
    run(make_case(tmp_path, "noop_absolute_already", FIXED, None), tmp_path)


def test_a_fix_case_that_changes_nothing_fails(tmp_path: Path) -> None:
    case = make_case(tmp_path, "fix_nothing_to_fix", FIXED, FIXED)
    with pytest.raises(AssertionError, match="a fix_ case must change the project"):
        run(case, tmp_path)


@pytest.mark.parametrize("outcome", ["noop", "skip"])
def test_a_noop_or_skip_case_that_changes_something_fails(tmp_path: Path, outcome: str) -> None:
    # Its after/ even matches what fixup writes: the name is what it contradicts.
    case = make_case(tmp_path, f"{outcome}_relative_import", BROKEN, FIXED)
    with pytest.raises(AssertionError, match=f"a {outcome}_ case must leave the project unchanged"):
        run(case, tmp_path)


def test_a_case_named_for_no_outcome_fails(tmp_path: Path) -> None:
    case = make_case(tmp_path, "relative_import", BROKEN, FIXED)
    with pytest.raises(AssertionError, match="starts with fix_, noop_ or skip_"):
        run(case, tmp_path)

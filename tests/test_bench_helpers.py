"""The pure helpers the benchmark scripts decide with (the scripts themselves time nothing here)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import bench_foundation
import ecosystem


def test_counts_reads_pytest_closing_line() -> None:
    assert ecosystem.counts("4 failed, 45 passed, 88 warnings in 13.97s") == {
        "failed": 4,
        "passed": 45,
    }
    assert ecosystem.counts("9 warnings, 1 error in 3.68s") == {"errors": 1}
    assert ecosystem.counts("398 passed, 31 skipped, 1 xfailed in 13.98s") == {
        "passed": 398,
        "skipped": 31,
        "xfailed": 1,
    }


def test_compare_tests_counts_a_new_failure_as_a_regression() -> None:
    before = {"failed": ["t.py::a"], "counts": {"passed": 3, "failed": 1}, "exit": 1}
    after = {"failed": ["t.py::a", "t.py::b"], "counts": {"passed": 2, "failed": 2}, "exit": 1}
    assert ecosystem.compare_tests(before, after) == {
        "new_failures": ["t.py::b"],
        "passed_lost": 1,
        "regressed": True,
    }
    assert not ecosystem.compare_tests(before, before)["regressed"]


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="Python 3.14 parses t-strings")
def test_tstring_files_finds_only_unparsable_template_strings(tmp_path: Path) -> None:
    (tmp_path / "template.py").write_text('name = "x"\nquery = t"select {name}"\n')
    (tmp_path / "quoted.py").write_text("marker = \"t'\"\nat = 't\"'\n")  # parses
    (tmp_path / "py2.py").write_text("print 'hello'\n")  # does not parse, no t-string
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "raw.py").write_text("q = rt'{x}'\n")
    assert bench_foundation.tstring_files(tmp_path) == ["pkg/raw.py", "template.py"]

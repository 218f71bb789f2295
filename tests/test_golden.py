"""Every golden case of every fixer, through the real CLI on a real git repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden import Case, check_case, collect

CASES = collect()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_golden(case: Case, tmp_path: Path) -> None:
    check_case(case, tmp_path)

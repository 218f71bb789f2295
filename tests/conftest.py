from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    # Tests never read or write the user's fixup cache.
    monkeypatch.setenv("FIXUP_CACHE_DIR", str(tmp_path_factory.mktemp("fixup-cache")))
    yield


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty git repository with a committer identity."""
    from tests.golden import git

    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return root

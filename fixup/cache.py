"""A persistent cache of per-file results, keyed by content hash, so a re-run on an unchanged
tree does no parsing.

It lives outside the project (``$FIXUP_CACHE_DIR``, else ``$XDG_CACHE_HOME/fixup``, else
``~/.cache/fixup``), one JSON file per project and namespace. Entries a run does not use are
dropped when it saves, so the cache holds one run's worth of results. A corrupt or unwritable
cache is ignored: it can only make fixup slower, never wrong.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from fixup import __version__


def content_key(*parts: str) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for part in (__version__, *parts):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


class Cache:
    """Key -> JSON-able value for one project and namespace (usually a fixer's name)."""

    def __init__(self, folder: Path | None, namespace: str) -> None:
        self._file = folder / f"{namespace}.json" if folder else None
        self._old: dict[str, object] | None = None
        self._new: dict[str, object] = {}

    @classmethod
    def for_project(cls, root: Path, namespace: str, enabled: bool = True) -> Cache:
        if not enabled:
            return cls(None, namespace)
        base = os.environ.get("FIXUP_CACHE_DIR") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "fixup"
        )
        project = hashlib.blake2b(str(root).encode(), digest_size=8).hexdigest()
        return cls(Path(base) / project, namespace)

    @property
    def enabled(self) -> bool:
        return self._file is not None

    def get(self, key: str) -> object | None:
        if self._file is None:
            return None
        if self._old is None:
            self._old = self._read()
        value = self._new.get(key, self._old.get(key))
        if value is not None:
            self._new[key] = value
        return value

    def put(self, key: str, value: object) -> None:
        if self._file is not None:
            self._new[key] = value

    def save(self) -> None:
        # A run that never asked (another fixer's run, say) keeps what the cache holds.
        if self._file is None or self._new == self._old or (self._old is None and not self._new):
            return
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            import tempfile  # only a run that writes its cache needs it

            fd, tmp = tempfile.mkstemp(dir=self._file.parent, suffix=".tmp")
            with os.fdopen(fd, "w") as f:
                json.dump(self._new, f)
            os.replace(tmp, self._file)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def _read(self) -> dict[str, object]:
        assert self._file is not None
        try:
            data = json.loads(self._file.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

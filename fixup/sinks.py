"""Where a run's result goes. Only this module writes files (and, through git.py, git objects).

``write_tree`` is atomic per file (temp file + rename) and all-or-nothing for the checks:
every file is checked before any is replaced, so a refusal writes nothing.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from fixup.fix import Report, changed_files
from fixup.textio import SourceError, TextFormat, decode, encode


class RefusedError(Exception):
    """Writing would lose something the user had; nothing was written."""


def write_tree(report: Report, *, allow_dirty: bool = False) -> list[str]:
    """Write the fixed files into the working tree; return the paths written or deleted."""
    before, after = report.before, report.after
    paths = changed_files(report.fixes)
    final = {p: after.files.get(p) for p in paths}
    final = {p: text for p, text in final.items() if text != before.files.get(p)}
    if not final:
        return []
    root = before.root

    if before.git is not None and not allow_dirty:
        dirty = before.git.dirty_paths([p for p in final if (root / p).exists()])
        if dirty:
            listing = ", ".join(dirty[:5]) + (
                f" and {len(dirty) - 5} more" if len(dirty) > 5 else ""
            )
            raise RefusedError(
                f"uncommitted changes in {listing}: fixup would overwrite them; commit or stash "
                "them, preview with --dry-run, or pass --allow-dirty"
            )
    for path in final:
        full = root / path
        if path not in before.files:
            if full.exists() or full.is_symlink():
                raise RefusedError(f"{path}: exists but was not read by fixup; not overwriting it")
            continue
        if full.is_symlink():
            raise RefusedError(f"{path}: is a symbolic link; not replacing it")
        try:
            current, _ = decode(full.read_bytes())
        except (OSError, SourceError):
            current = None
        if current != before.files[path]:
            raise RefusedError(f"{path}: changed on disk while fixup ran; run it again")

    staged: list[tuple[str, Path]] = []
    try:
        for path, text in final.items():
            if text is None:
                continue
            full = root / path
            full.parent.mkdir(parents=True, exist_ok=True)
            fmt = after.formats.get(path) or before.formats.get(path) or TextFormat()
            fd, tmp = tempfile.mkstemp(
                prefix=f".{full.name}.", suffix=".fixup-tmp", dir=full.parent
            )
            with os.fdopen(fd, "wb") as f:
                f.write(encode(text, fmt))
            mode = stat.S_IMODE(full.stat().st_mode) if full.exists() else 0o644 & ~_umask()
            os.chmod(tmp, mode)
            staged.append((tmp, full))
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for tmp, full in staged:
        os.replace(tmp, full)
    for path, text in final.items():
        if text is None:
            (root / path).unlink(missing_ok=True)
            _remove_empty_parents(root / path, root)
    return sorted(final)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove_empty_parents(path: Path, root: Path) -> None:
    parent = path.parent
    while parent != root and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent

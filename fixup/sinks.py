"""Where a run's result goes. Only the sinks write files (and, through git.py, git objects).

A ``Sink`` delivers a ``Report``; the CLI chooses one per run, in one place: ``Preview``
(``--dry-run``, ``--check``: nothing written), ``WorkingTree`` (the default) or
``fixup.branch.BranchSink`` (``--branch``, and ``--pr`` for the pull request). Printing the
report on stdout (patch, JSON, GitHub, SARIF) is the CLI's ``emit``, whichever sink is chosen:
the sink calls it once, as soon as it knows whether the fixes were applied.

``write_tree`` is atomic per file (temp file + rename) and all-or-nothing for the checks:
every file is checked before any is replaced, so a refusal writes nothing.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rich.console import Console

from fixup.fix import Report, changed_files
from fixup.textio import SourceError, TextFormat, decode, encode

EXIT_OK = 0
EXIT_PENDING = 1


#: Prints the report on stdout; its argument says whether the fixes were applied.
Emit = Callable[[bool], None]


class Sink(Protocol):
    """Where the fixes of a run go."""

    def deliver(self, report: Report, err: Console, *, quiet: bool, emit: Emit) -> int:
        """Deliver ``report``, call ``emit`` once, say what was done on ``err`` (unless
        ``quiet``); the exit status. Raises RefusedError (after ``emit(False)``) when writing
        would lose something the user had."""
        ...


@dataclass(frozen=True)
class Preview:
    """``--dry-run`` and ``--check``: nothing is written; ``--check`` exits 1 while fixes are
    pending."""

    check: bool
    #: True when the fixes were printed on stdout (a patch, machine output): no need to point
    #: at --dry-run.
    printed: bool
    #: How to apply them, as the last words of the summary.
    apply_hint: str = "run fixup without --dry-run/--check to apply."

    def deliver(self, report: Report, err: Console, *, quiet: bool, emit: Emit) -> int:
        emit(False)
        if not quiet:
            if report.fixes:
                count, files = len(report.fixes), len(changed_files(report.fixes))
                err.print(
                    f"{count} fix{'es' * (count != 1)} pending in "
                    f"{files} file{'s' * (files != 1)}"
                    + ("" if self.printed else "; preview them with --dry-run")
                    + f"; {self.apply_hint}",
                    markup=False,
                )
            else:
                err.print("Nothing to fix.", markup=False)
            print_skipped(report, err)
        return EXIT_PENDING if self.check and report.fixes else EXIT_OK


@dataclass(frozen=True)
class WorkingTree:
    """The default: write the fixed files into the working tree (all or nothing)."""

    allow_dirty: bool = False
    #: ``--exit-non-zero-on-fix`` (the pre-commit hook): called once files were written, to show
    #: the fixes; the run then exits 1.
    on_fixed: Callable[[], None] | None = None

    def deliver(self, report: Report, err: Console, *, quiet: bool, emit: Emit) -> int:
        try:
            written = write_tree(report, allow_dirty=self.allow_dirty)
        except RefusedError:
            emit(False)
            raise
        emit(True)
        if not quiet:
            for fix in report.fixes:
                err.print(f"fixed [{fix.fixer}] {fix.title}", markup=False)
            count, files = len(report.fixes), len(written)
            err.print(
                f"Applied {count} fix{'es' * (count != 1)} to {files} file{'s' * (files != 1)}."
                if report.fixes
                else "Nothing to fix.",
                markup=False,
            )
            print_skipped(report, err)
        if self.on_fixed is not None and written:
            self.on_fixed()
            return EXIT_PENDING
        return EXIT_OK


def print_skipped(report: Report, err: Console) -> None:
    """One line per fix left out, with the reason."""
    for fix, reason in report.skipped:
        err.print(f"skipped [{fix.fixer}] {fix.title}: {reason}", style="yellow", markup=False)


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

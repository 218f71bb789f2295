"""Where a run's result goes. Only the sinks write files (and, through git.py, git objects).

A ``Sink`` delivers a ``Report``; the CLI chooses one per run, in one place: ``Preview``
(``--dry-run``, ``--check``: nothing written), ``WorkingTree`` (the default) or
``fixup.branch.BranchSink`` (``--branch``, and ``--pr`` for the pull request). Printing the
report on stdout (patch, JSON, GitHub, SARIF) is the CLI's ``emit``, whichever sink is chosen:
the sink calls it once, as soon as it knows whether the fixes were applied.

``write_tree`` applies a run all or nothing:

1. Check every file first (uncommitted changes, symbolic links, read-only files, files changed
   on disk, folders fixup cannot write in): a refusal writes nothing.
2. Stage: write each new text beside its target as ``.<name>.<token>-<n>.fixup-tmp`` (a new
   file in a new folder is staged in the nearest folder that exists).
3. Rename every staged file over its target, create new folders, delete deleted files.

SIGINT and SIGTERM are held while ``write_tree`` runs: a signal before the renames stops the
run between two files, removes what was staged and raises ``Interrupted`` ("nothing was
written"); a signal during the renames (milliseconds: no file contents are written then) takes
effect once they are all done ("the fixes were applied first"). A run killed outright (SIGKILL)
before the renames leaves only staged files, which the next apply removes, saying so; only a
kill or power loss in the renames' milliseconds can leave part of the files renamed, and a
second run then finishes the fixes.
"""

from __future__ import annotations

import os
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Protocol

from fixup.console import Console
from fixup.fix import Report, changed_files
from fixup.project import Project
from fixup.textio import SourceError, TextFormat, decode, encode

#: Staged files are named ``.<target name>.<token>.fixup-tmp``.
STAGED_SUFFIX = ".fixup-tmp"

#: The signals that stop a run; the exit status is 128 + the signal's number (130, 143).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

EXIT_OK = 0
EXIT_PENDING = 1


#: Prints the report on stdout; its argument says whether the fixes were applied.
Emit = Callable[[bool], None]


class Sink(Protocol):
    """Where the fixes of a run go."""

    def deliver(self, report: Report, err: Console, *, quiet: bool, emit: Emit) -> int:
        """Deliver ``report``, call ``emit`` once, say what was done on ``err`` (unless
        ``quiet``); the exit status before errors are counted: EXIT_PENDING for fixes left
        pending (``--check``) or files changed under ``--exit-non-zero-on-fix``. Raises
        RefusedError (after ``emit(False)``) when writing would lose something the user had."""
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
        written: list[str] | None = None
        try:
            written = write_tree(
                report, allow_dirty=self.allow_dirty, say=lambda note: err.print(note, markup=False)
            )
        except RefusedError:
            emit(False)
            raise
        except Interrupted as exc:
            if not written or exc.detail:
                raise
            raise Interrupted(exc.signum, applied_first(len(written))) from None
        try:
            return self._report(report, written, err, quiet=quiet, emit=emit)
        except Interrupted as exc:
            # A signal while fixup reports (a full stderr pipe can hold it there): the fixes
            # were written before it came.
            if exc.detail:
                raise
            raise Interrupted(exc.signum, applied_first(len(written))) from None

    def _report(
        self, report: Report, written: list[str], err: Console, *, quiet: bool, emit: Emit
    ) -> int:
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


class WriteError(Exception):
    """The file system would not take the fixes (a folder not writable, a full disk)."""


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM stopped the run; ``detail`` says what was written, when fixup knows."""

    def __init__(self, signum: int, detail: str = "") -> None:
        super().__init__(signum, detail)
        self.signum = signum
        self.detail = detail

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.signum).name


@contextmanager
def interruptible() -> Iterator[None]:
    """While inside, SIGINT and SIGTERM raise ``Interrupted`` in this process.

    Forked workers (``fixup.parallel``) inherit the handlers: there SIGINT is ignored (the
    parent stops the pool) and SIGTERM, which the pool sends to end its workers, ends the
    worker as if no handler were installed.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def stop(signum: int, frame: FrameType | None) -> None:
        if os.getpid() == owner:
            raise Interrupted(signum)
        if signum == signal.SIGTERM:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

    with _handlers(stop):
        yield


@contextmanager
def _held_signals() -> Iterator[list[int]]:
    """While inside, SIGINT and SIGTERM are only recorded, in the list this yields."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def hold(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    with _handlers(hold):
        yield received


@contextmanager
def _handlers(handler: Callable[[int, FrameType | None], None]) -> Iterator[None]:
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    for signum in STOP_SIGNALS:
        signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, signal.SIG_DFL if old is None else old)


def write_tree(
    report: Report, *, allow_dirty: bool = False, say: Callable[[str], None] | None = None
) -> list[str]:
    """Write the fixed files into the working tree; return the paths written or deleted.

    ``say`` receives notes for the user (stale staged files removed). Raises RefusedError or
    WriteError (nothing was written) and Interrupted (SIGINT, SIGTERM: all written, or none).
    """
    final: dict[str, str | None] = {}
    try:
        with _held_signals() as received:
            try:
                final = _write(report, allow_dirty, say, received)
            except (RefusedError, WriteError, Interrupted):
                raise
            except Exception as exc:
                # e.g. git, killed by the same Ctrl-C: the interruption is the news.
                if received:
                    raise Interrupted(received[0], "nothing was written") from exc
                raise
    except Interrupted as exc:
        if exc.detail or not final:
            raise
        # A signal just as the handlers were put back: the fixes are written all the same.
        received = [exc.signum]
    if received:
        raise Interrupted(
            received[0], applied_first(len(final)) if final else "nothing was written"
        )
    return sorted(final)


def applied_first(count: int) -> str:
    """What an interruption after the renames says."""
    return f"the fixes were applied first: all {count} file{'s' * (count != 1)} written"


def _write(
    report: Report,
    allow_dirty: bool,
    say: Callable[[str], None] | None,
    received: list[int],
) -> dict[str, str | None]:
    before, after = report.before, report.after
    root = before.root
    stale = remove_stale_staged(before)
    if stale and say is not None:
        say(
            f"removed {len(stale)} staged file{'s' * (len(stale) != 1)} left by an interrupted "
            f"fixup run: {_listing(stale, 3)}"
        )
    final = {p: after.files.get(p) for p in changed_files(report.fixes)}
    final = {p: text for p, text in final.items() if text != before.files.get(p)}
    if not final:
        return final
    _refuse_losses(before, final, allow_dirty)

    import secrets  # only an apply stages files

    token = secrets.token_hex(4)
    staging: list[tuple[Path, Path, str]] = []  # (staged file, target, project path)
    for number, (path, text) in enumerate(final.items()):
        if text is not None:
            target = root / path
            folder = _nearest_folder(target.parent, root)
            name = f".{target.name}.{token}-{number}{STAGED_SUFFIX}"
            staging.append((folder / name, target, path))
    folders = {tmp.parent for tmp, _, _ in staging}
    folders |= {(root / p).parent for p, text in final.items() if text is None}
    unwritable = sorted(_relative(f, root) for f in folders if not _writable(f))
    if unwritable:
        raise WriteError(
            f"cannot write in folder {_listing(unwritable)} (no write permission); "
            "nothing was written"
        )

    umask = _umask()
    staged: list[Path] = []
    folder = root
    try:
        for tmp, target, path in staging:
            if received:
                break
            folder = tmp.parent
            text = final[path]
            assert text is not None
            fmt = after.formats.get(path) or before.formats.get(path) or TextFormat()
            new = path not in before.files
            mode = 0o644 & ~umask if new else stat.S_IMODE(target.stat().st_mode)
            staged.append(tmp)
            _write_new(tmp, encode(text, fmt), mode)
    except OSError as exc:
        _discard(staged)
        raise WriteError(
            f"cannot write in folder {_relative(folder, root)}: {exc.strerror or exc}; "
            "nothing was written"
        ) from None
    except BaseException:
        _discard(staged)
        raise
    if received:
        _discard(staged)
        count = f" ({len(staged)} staged file{'s' * (len(staged) != 1)} removed)" if staged else ""
        raise Interrupted(received[0], f"nothing was written{count}")
    _commit(staging, final, root)
    return final


def _commit(
    staging: list[tuple[Path, Path, str]], final: dict[str, str | None], root: Path
) -> None:
    """Rename every staged file over its target, then delete what the fixes delete."""
    done = 0
    try:
        for tmp, target, _ in staging:
            if tmp.parent != target.parent:
                target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
            done += 1
        for path, text in final.items():
            if text is None:
                (root / path).unlink(missing_ok=True)
                _remove_empty_parents(root / path, root)
    except OSError as exc:
        # The checks make this unlikely (the folders are writable, no target is read-only):
        # say exactly what was written.
        _discard([tmp for tmp, _, _ in staging[done:]])
        written = [path for _, _, path in staging[:done]]
        raise WriteError(
            f"{exc.filename or ''}: {exc.strerror or exc} while renaming the staged files: "
            f"{len(written)} of {len(final)} files written"
            + (f" ({_listing(written)})" if written else "")
            + "; check them with git diff"
        ) from None


def _refuse_losses(before: Project, final: dict[str, str | None], allow_dirty: bool) -> None:
    """Raise RefusedError when writing ``final`` would lose something the user had."""
    root = before.root
    if before.git is not None and not allow_dirty:
        dirty = before.git.dirty_paths([p for p in final if (root / p).exists()])
        if dirty:
            raise RefusedError(
                f"uncommitted changes in {_listing(dirty)}: fixup would overwrite them; commit or "
                "stash them, preview with --dry-run, or pass --allow-dirty"
            )
    read_only = []
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
        if not _writable(full):
            read_only.append(path)
    if read_only:
        one = len(read_only) == 1
        raise RefusedError(
            f"read-only file{'' if one else 's'} {_listing(read_only)}: fixup would replace "
            f"{'it' if one else 'them'}; make {'it' if one else 'them'} writable (chmod u+w), or "
            "leave it out with --exclude; nothing was written"
        )


def remove_stale_staged(project: Project) -> list[str]:
    """Remove the staged files an interrupted or killed run left; return their paths.

    They can only be in a folder that holds (at any depth) a file of the project, or its root.
    """
    root = project.root
    folders = {root}
    for path in project.files:
        parent = (root / path).parent
        while parent not in folders and parent != root:
            folders.add(parent)
            parent = parent.parent
    removed = []
    for folder in sorted(folders):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if (
                entry.name.startswith(".")
                and entry.name.endswith(STAGED_SUFFIX)
                and entry.is_file(follow_symlinks=False)
            ):
                try:
                    os.unlink(entry.path)
                except OSError:
                    continue
                removed.append(_relative(Path(entry.path), root))
    return removed


def _write_new(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        os.fchmod(f.fileno(), mode)


def _discard(staged: list[Path]) -> None:
    for tmp in staged:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)


def _writable(path: Path) -> bool:
    """Writable by us, and not marked read-only (a superuser may write anyway; we do not)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    access = os.W_OK | (os.X_OK if stat.S_ISDIR(mode) else 0)
    return bool(mode & 0o222) and os.access(path, access)


def _nearest_folder(folder: Path, root: Path) -> Path:
    while not folder.is_dir() and folder != root:
        folder = folder.parent
    return folder


def _relative(path: Path, root: Path) -> str:
    if path == root:
        return f"{root}/"
    rel = path.relative_to(root).as_posix()
    return rel + "/" if path.is_dir() else rel


def _listing(items: list[str], most: int = 5) -> str:
    return ", ".join(items[:most]) + (f" and {len(items) - most} more" if len(items) > most else "")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove_empty_parents(path: Path, root: Path) -> None:
    parent = path.parent
    while parent != root and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent

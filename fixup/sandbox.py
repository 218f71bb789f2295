"""The sandbox ``fixup doctor`` and ``--verify`` share: a scratch copy of the project, the
project's own interpreter, and the probe that imports modules in it.

Nothing run here can touch the user's files: a version of the project (before or after the
fixes) is written to a temporary copy of its folder, and commands run there, in the project's
interpreter (``--python``, else ``$VIRTUAL_ENV``'s, else ``python3`` on PATH), with an
environment that points imports at the copy. The probe is ``fixup/probe.py``, a script that
runs in that interpreter (Python 3.7+, standard library only); ``fixup.doctor`` writes its
job and reads its results.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fixup.config import ConfigError
from fixup.git import GitError
from fixup.project import ImportRoots, Project
from fixup.textio import TextFormat, encode

#: The probe script, run by path in the project's interpreter (see ``install_probe``).
PROBE = Path(__file__).with_name("probe.py")

#: Folders not copied into the scratch copy: version control, virtualenvs, caches.
_NOT_COPIED = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", "__pycache__", ".mypy_cache", ".pytest_cache",
        ".ruff_cache", ".tox", ".nox",
    }
)  # fmt: skip


class InterpreterError(ConfigError):
    """No usable interpreter for the project (a usage error: the CLI exits with status 2)."""


# ---------------------------------------------------------------------------- the interpreter


@dataclass(frozen=True)
class Interpreter:
    path: str
    version: str
    #: How it was chosen, for the report ("--python", "$VIRTUAL_ENV", "python3 on PATH").
    source: str


def find_interpreter(
    explicit: str | None = None, env: Mapping[str, str] | None = None
) -> Interpreter:
    """The project's interpreter: ``explicit``, else the active virtualenv's, else python3 on PATH."""
    env = os.environ if env is None else env
    path_var = env.get("PATH", "")
    if explicit:
        found = explicit if Path(explicit).is_file() else shutil.which(explicit, path=path_var)
        if found is None:
            raise InterpreterError(f"--python {explicit}: no such interpreter")
        return _probe_version(found, "--python")
    venv = env.get("VIRTUAL_ENV")
    if venv:
        for candidate in (Path(venv) / "bin" / "python", Path(venv) / "Scripts" / "python.exe"):
            if candidate.is_file():
                return _probe_version(str(candidate), "$VIRTUAL_ENV")
    for name in ("python3", "python"):
        found = shutil.which(name, path=path_var)
        if found is not None:
            return _probe_version(found, f"{name} on PATH")
    raise InterpreterError(
        "no Python interpreter found: pass --python PATH, activate the project's virtualenv, "
        "or put python3 on PATH"
    )


def _probe_version(path: str, source: str) -> Interpreter:
    code = "import sys; print('%d.%d.%d' % sys.version_info[:3])"
    try:
        result = subprocess.run(
            [path, "-c", code], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InterpreterError(f"{path} ({source}) does not run: {exc}") from None
    version = result.stdout.strip()
    if result.returncode != 0 or not re.fullmatch(r"\d+\.\d+\.\d+", version):
        detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise InterpreterError(f"{path} ({source}) is not a working Python interpreter: {detail}")
    if tuple(int(p) for p in version.split(".")[:2]) < (3, 7):
        raise InterpreterError(
            f"{path} ({source}) is Python {version}; fixup doctor needs 3.7 or newer"
        )
    return Interpreter(path, version, source)


# ---------------------------------------------------------------------------- the environment


def installed_roots(roots: ImportRoots) -> list[str]:
    """The import roots that are on ``sys.path`` wherever the app runs from: those the packaging
    metadata or a ``src/`` layout declare (the package is installed), or the user declared.

    A root found only from an entry script's position is not: a module importing from it
    elsewhere fails for real.
    """
    installed = ("pyproject.toml packaging metadata", "src/ layout", "[tool.fixup] roots")
    return [path for path in roots.paths if roots.sources.get(path, "") in installed]


def scratch_env(
    tree: Path, project: Project, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment for running ``project`` from its scratch copy ``tree``.

    The installed import roots of the copy come first on ``PYTHONPATH``, so an editable
    install of the project does not import the user's files instead; ``PYTHONPATH`` entries
    inside the project point at the copy; bytecode is not written.
    """
    env = dict(os.environ if base is None else base)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    original = project.root.resolve()
    entries = [str(tree / root) if root else str(tree) for root in installed_roots(project.roots)]
    for entry in filter(None, env.get("PYTHONPATH", "").split(os.pathsep)):
        try:
            rel = Path(entry).resolve().relative_to(original)
        except ValueError:
            entries.append(entry)
        else:
            entries.append(str(tree / rel))
    if entries:
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(entries))
    return env


# ---------------------------------------------------------------------------- scratch copies


@contextmanager
def scratch_copy(project: Project, base: Project | None = None) -> Iterator[Path]:
    """A temporary copy of the project's folder holding ``project``'s Python files; removed after.

    Everything on disk is copied (configuration, templates, data files an import may read),
    except version control, virtualenvs and caches; then every Python file is written as
    ``project`` has it. Files ``base`` (the snapshot before the fixes) has and ``project``
    does not were deleted by a fix and are removed; other files fixup did not read (excluded,
    vendored) stay as they are.
    """
    original = project.root.resolve()
    with tempfile.TemporaryDirectory(prefix="fixup-scratch-") as tmp:
        tree = Path(tmp) / (original.name or "project")
        _copy_tree(original, tree, _ignored_folders(base or project))
        for path in set(base.files) - set(project.files) if base is not None else ():
            (tree / path).unlink(missing_ok=True)
        for path, text in project.files.items():
            dest = tree / path
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.is_symlink():
                dest.unlink()
            fmt = project.formats.get(path) or TextFormat()
            dest.write_bytes(encode(text, fmt))
        yield tree.resolve()


def _copy_tree(src: Path, dest: Path, ignored: frozenset[str] | None = None, rel: str = "") -> None:
    """Copy ``src`` to ``dest``; a large folder git ignores (build output, data, caches) is
    created empty instead, so that a check for its existence still passes."""
    dest.mkdir(parents=True)
    if ignored is None:
        ignored = frozenset()
    for entry in src.iterdir():
        target = dest / entry.name
        entry_rel = f"{rel}{entry.name}"
        if entry.is_symlink():
            # A link's content is copied for files; a linked folder could lead back into the
            # user's files (or be huge), so it is left out.
            if entry.is_file():
                shutil.copyfile(entry, target)
            continue
        if entry.is_dir():
            if entry.name in _NOT_COPIED or (entry / "pyvenv.cfg").exists():
                continue
            if entry_rel in ignored and not _small(entry):
                target.mkdir()
                continue
            _copy_tree(entry, target, ignored, entry_rel + "/")
        elif entry.is_file():
            shutil.copy2(entry, target)


#: An ignored folder is copied only below these sizes.
_SMALL_FILES = 500
_SMALL_BYTES = 20_000_000


def _small(folder: Path) -> bool:
    files = size = 0
    for _, _, names in os.walk(folder):
        files += len(names)
        if files > _SMALL_FILES:
            return False
    for path in folder.rglob("*"):
        with suppress(OSError):
            size += path.stat().st_size if path.is_file() else 0
        if size > _SMALL_BYTES:
            return False
    return True


def _ignored_folders(project: Project) -> frozenset[str]:
    """Project-relative folders that git ignores (empty without git)."""
    repo = project.git
    if repo is None:
        return frozenset()
    try:
        out = repo.run(
            "ls-files", "--others", "--ignored", "--exclude-standard", "--directory", "-z", "--",
            repo.prefix or ".",
        )  # fmt: skip
    except GitError:
        return frozenset()
    folders = set()
    for entry in out.split("\0"):
        if entry.endswith("/"):
            rel = repo.to_project_path(entry.rstrip("/"))
            if rel:
                folders.add(rel)
    return frozenset(folders)


# ---------------------------------------------------------------------------- the probe


def install_probe(work: Path) -> Path:
    """A copy of the probe in the folder ``work``, to run by path.

    Run from fixup's package folder, the probe would have that folder as ``sys.path[0]``,
    where fixup's own modules could shadow what it imports; ``work`` holds only its jobs.
    """
    copy = work / PROBE.name
    shutil.copyfile(PROBE, copy)
    return copy


def run_in_session(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float
) -> None:
    """Run ``command`` in a session of its own, output discarded; when it is still running after
    ``timeout`` seconds (or fixup is interrupted), the session goes, with all it started."""
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass  # what it did so far counts
    finally:
        if process.poll() is None:  # stuck, or fixup itself was interrupted
            with suppress(OSError):
                if hasattr(os, "killpg"):
                    os.killpg(process.pid, signal.SIGKILL)
                else:  # pragma: no cover - Windows
                    process.kill()
            process.wait()


@dataclass(frozen=True)
class CommandResult:
    #: The exit status; None when the command was stopped at its time limit (or never started).
    returncode: int | None
    #: What it printed (stdout and stderr together).
    output: bytes
    #: Why it could not be started at all (no shell, say).
    error: str | None = None


def run_shell(command: str, *, cwd: Path, env: Mapping[str, str], timeout: float) -> CommandResult:
    """Run the user's own command line, as they would type it, in the scratch copy ``cwd``."""
    try:
        result = subprocess.run(
            command,
            shell=True,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        return CommandResult(None, exc.output if isinstance(exc.output, bytes) else b"")
    except OSError as exc:
        return CommandResult(None, b"", error=exc.strerror or str(exc))
    return CommandResult(result.returncode, result.stdout)


def write_job(work: Path, job: Mapping[str, Any]) -> Path:
    """The probe's job description, as JSON in ``work``."""
    path = work / "job.json"
    path.write_text(json.dumps(job))
    return path

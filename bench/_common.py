"""What the benchmark scripts share: pinned sdists unpacked into bench/.work/, scratch copies
that are git repositories, timed subprocesses, pinned virtualenvs, the machine's description.

Every script runs as ``python bench/NAME.py``, which puts this folder first on ``sys.path``.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work"
SDISTS = WORK / "sdists"
PRISTINE = WORK / "pristine"


# ---------------------------------------------------------------------------- the trees


def fetch(name: str, version: str) -> Path:
    """The pristine tree of ``name==version``'s sdist, downloaded with pip and unpacked once."""
    tree = PRISTINE / f"{name}-{version}"
    if tree.is_dir():
        return tree
    SDISTS.mkdir(parents=True, exist_ok=True)
    archive = find_sdist(name, version)
    if archive is None:
        print(f"downloading the sdist of {name}=={version}", file=sys.stderr, flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--no-binary",
                ":all:",
                "--dest",
                str(SDISTS),
                f"{name}=={version}",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        archive = find_sdist(name, version)
        if archive is None:
            raise SystemExit(f"pip downloaded no sdist for {name}=={version}")
    staging = PRISTINE / f".staging-{name}"
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.10.12: refuse odd members
            tar.extractall(staging, filter="data")
        else:  # older patch releases
            tar.extractall(staging)  # a pinned sdist from PyPI
    (top,) = staging.iterdir()
    top.rename(tree)
    staging.rmdir()
    return tree


def find_sdist(name: str, version: str) -> Path | None:
    """The downloaded archive, whatever case and separator its file name uses."""
    wanted = _normal(f"{name}-{version}")
    for path in SDISTS.glob("*.tar.gz"):
        if _normal(path.name.removesuffix(".tar.gz")) == wanted:
            return path
    return None


def _normal(name: str) -> str:
    return name.lower().replace("_", "-")


def git_repository(dest: Path) -> Path:
    """Make ``dest`` its own git repository with everything committed: the state a user runs
    fixup in (it lists files with git, refuses dirty files, and finds no file in a folder that
    an enclosing repository ignores, such as bench/.work/ itself)."""
    git = ["git", "-C", str(dest), "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A", "-f", "."], check=True)
    subprocess.run([*git, "commit", "-q", "--no-verify", "-m", "pristine"], check=True)
    return dest


def fresh_copy(pristine: Path, dest: Path) -> Path:
    """A copy of the pristine tree as its own git repository with everything committed."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(pristine, dest, symlinks=True)
    return git_repository(dest)


# ---------------------------------------------------------------------------- timing


@dataclass(frozen=True)
class Timing:
    wall: float
    #: CPU seconds (user + system) of the process and every process it waited for: less
    #: sensitive than wall time to other work on a shared machine.
    cpu: float


def run_timed(
    command: Sequence[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[Timing, subprocess.CompletedProcess[str]]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return Timing(wall, cpu), done


def best(timings: list[Timing]) -> dict[str, Any]:
    return {
        "best": min(t.wall for t in timings),
        "best_cpu": min(t.cpu for t in timings),
        "median": statistics.median(t.wall for t in timings),
        "times": [t.wall for t in timings],
        "cpu_times": [t.cpu for t in timings],
    }


# A process that runs one command and reports, on its last line of stderr, the wall time, the
# CPU time and the peak resident memory of that command and its own children. RUSAGE_CHILDREN's
# ru_maxrss is the largest of the waited-for processes, so it must be read in a process that
# has run nothing else: a fresh wrapper per measured run.
MEASURE = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[2:], stdout=open(sys.argv[1], "wb"))
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stderr.write("\n" + json.dumps({
    "exit": done.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
    "maxrss_kib": usage.ru_maxrss,
}) + "\n")
"""


@dataclass(frozen=True)
class Measured:
    exit: int
    wall: float
    cpu: float
    #: peak resident set size of the largest process of the run (Linux reports KiB)
    peak_mib: float
    stdout: str
    stderr: str


def measure(
    command: Sequence[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 3600
) -> Measured:
    """Run ``command`` in a fresh wrapper process: its exit code, wall and CPU time, peak memory
    and output (stdout through a file, so that a large JSON report never fills a pipe)."""
    out = WORK / f".measure-{os.getpid()}.out"
    WORK.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(out), *command],
        cwd=cwd,
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        timeout=timeout,
    )
    stdout = out.read_text(errors="replace") if out.exists() else ""
    out.unlink(missing_ok=True)
    stderr, _, last = done.stderr.rstrip("\n").rpartition("\n")
    try:
        data = json.loads(last)
    except ValueError as exc:
        raise SystemExit(f"the measuring wrapper failed: {done.stderr[-2000:]}") from exc
    return Measured(
        data["exit"], data["wall"], data["cpu"], data["maxrss_kib"] / 1024, stdout, stderr
    )


# ---------------------------------------------------------------------------- environments


def ensure_venv(folder: Path, requirements: Sequence[str]) -> Path:
    """A virtualenv at ``folder`` holding exactly the pinned ``requirements``; rebuilt when the
    list changes. Returns its python."""
    python = folder / "bin" / "python"
    marker = folder / "requirements.txt"
    wanted = "\n".join(requirements) + "\n"
    if not (python.exists() and marker.exists() and marker.read_text() == wanted):
        print(f"installing {len(requirements)} pinned packages into {folder}", file=sys.stderr)
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", *requirements],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        marker.write_text(wanted)
    return python


def clean_env() -> dict[str, str]:
    """This process's environment without what would make another interpreter import from
    fixup's virtualenv."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


# ---------------------------------------------------------------------------- the machine


def machine(fixup: Path) -> dict[str, Any]:
    """The machine, the interpreter and the fixup measured (with the load: it may be shared)."""
    cpu = "unknown"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    version = subprocess.run([str(fixup), "--version"], capture_output=True, text=True)
    return {
        "cores": len(os.sched_getaffinity(0)),
        # A load above the core count inflates every wall time.
        "load_average_at_start": os.getloadavg(),
        "cpu": cpu,
        "python": platform.python_version(),
        "fixup_executable": str(fixup),
        "fixup": version.stdout.strip(),
        # The commit of this checkout: the fixup measured when it is installed from it.
        "checkout_commit": git_here("rev-parse", "--short", "HEAD"),
        "checkout_uncommitted_changes": bool(git_here("status", "--porcelain", "--", "fixup")),
    }


def git_here(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(BENCH.parent), *args], capture_output=True, text=True)
    return done.stdout.strip()


def format_flag(fixup: Path) -> str:
    """``--output-format`` where the fixup measured has it, else its older ``--format``."""
    help_text = subprocess.run([str(fixup), "--help"], capture_output=True, text=True).stdout
    return "--output-format" if "--output-format" in help_text else "--format"


def default_fixup() -> Path:
    """The ``fixup`` of the running interpreter's virtualenv."""
    return Path(sys.executable).parent / "fixup"


def markdown_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], left: Sequence[int] = (0,)
) -> str:
    """A GitHub markdown table; the ``left`` columns are left-aligned, the others (numbers)
    right-aligned."""
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" if i in left else "---:" for i in range(len(header))) + " |",
    ]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)

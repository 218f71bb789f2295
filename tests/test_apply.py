"""Applying to the working tree: all or nothing, interrupts, stale staged files, refusals, exit codes."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fixup.sinks import STAGED_SUFFIX
from tests.golden import git, run_cli
from tests.test_cli import BROKEN, commit_all, write

FILES = 1500
PKG = "pkg"
FIXED = "from pkg import m0000"


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,500 modules, each with a relative import the configuration asks to make absolute."""
    root = tmp_path_factory.mktemp("large") / "repo"
    (root / PKG).mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "pyproject.toml").write_text(
        '[tool.fixup]\nselect = ["relative-imports"]\n\n'
        '[tool.fixup.relative-imports]\nstyle = "absolute"\n'
    )
    (root / PKG / "__init__.py").write_text("")
    for number in range(FILES):
        (root / PKG / f"m{number:04}.py").write_text(f"from . import m0000  # {number}\n")
    commit_all(root)
    return root


def staged_files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob(f"*{STAGED_SUFFIX}")
        if ".git" not in p.parts
    )


def count_staged(folder: Path) -> int:
    with os.scandir(folder) as entries:
        return sum(entry.name.endswith(STAGED_SUFFIX) for entry in entries)


def fixed_count(root: Path) -> int:
    changed = git(root, "diff", "--name-only").split()
    for path in changed:
        assert (root / path).read_text().startswith(FIXED), path
    return len(changed)


def start_apply(root: Path) -> subprocess.Popen[bytes]:
    # stderr is a pipe the test reads only after signalling: once the fixes are written, fixup
    # prints one line per fix (~100 kB, more than a pipe holds) and blocks, so it is always
    # still running when the signal comes, whatever the machine's speed.
    return subprocess.Popen(
        [sys.executable, "-m", "fixup", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "FIXUP_CACHE_DIR": str(root.parent / "cache")},
    )


def wait_until(process: subprocess.Popen[bytes], reached: Callable[[], bool], what: str) -> None:
    hang_guard = time.monotonic() + 600  # not a timing assertion: only stops a hung test
    while not reached():
        assert process.poll() is None, (
            f"fixup ended before {what}: {process.communicate()[1].decode()[-2000:]}"
        )
        if time.monotonic() > hang_guard:
            process.kill()
            pytest.fail(f"fixup never reached {what}: {process.communicate()[1].decode()[-2000:]}")
        time.sleep(0.001)  # leave the (possibly only) other core to fixup


class Watcher:
    """Where an apply of ``large`` is, seen from outside: staged files, written files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.most = 0

    def staged(self) -> int:
        count = count_staged(self.root / PKG)
        self.most = max(self.most, count)
        return count

    def applied(self) -> bool:
        # The renames run in path order: the first file is written once they have begun.
        return (self.root / PKG / "m0000.py").read_text().startswith(FIXED)

    def point(self, name: str) -> Callable[[], bool]:
        """True once the apply reached ``name`` (or a later point: the signal still comes)."""

        def reached() -> bool:
            staged, most = self.staged(), self.most
            if name == "staging begun":
                return staged > 0 or self.applied()
            if name == "half staged":
                return staged >= FILES // 2 or staged < most or self.applied()
            if name == "renaming":  # fewer staged files than a moment ago
                return staged < most or self.applied()
            assert name == "written"
            return staged == 0 and self.applied()

        return reached


@pytest.fixture
def clean_large(large: Path) -> Iterator[Path]:
    yield large
    if git(large, "status", "--porcelain"):
        git(large, "checkout", "-q", "--", ".")
        git(large, "clean", "-qfd")


def freeze(process: subprocess.Popen[bytes]) -> None:
    """SIGSTOP, and wait until the kernel has stopped it: what the test sees then holds still."""
    process.send_signal(signal.SIGSTOP)
    stat_file = Path(f"/proc/{process.pid}/stat")
    while stat_file.read_text().rpartition(")")[2].split()[0] not in ("T", "t"):
        time.sleep(0.001)


#: Where the signal lands, by what the frozen tree shows: (staged files, fixed files) -> phase.
def phase(staged: int, fixed: int) -> str:
    if fixed == FILES and staged == 0:
        return "written"
    if fixed:
        return "renaming"
    return "staging" if 0 < staged < FILES else "between"


#: Each signal at two points: while staging, in the middle of the renames, after them.
POINTS = [
    (signal.SIGINT, "staging begun", "staging"),
    (signal.SIGTERM, "half staged", "staging"),
    (signal.SIGINT, "renaming", "renaming"),
    (signal.SIGTERM, "written", "written"),
]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to see a stop")
@pytest.mark.parametrize(
    ("signum", "point", "wanted"),
    POINTS,
    ids=[f"{s.name}-{p.replace(' ', '-')}" for s, p, _ in POINTS],
)
def test_an_interrupted_apply_writes_every_file_or_none(
    clean_large: Path, signum: signal.Signals, point: str, wanted: str
) -> None:
    # fixup is frozen (SIGSTOP) at the point, the tree is read, then the signal is sent and
    # fixup resumed: the test knows exactly in which phase the signal came. The apply is
    # short, so a freeze may miss the phase it aims at; then it is run again.
    root = clean_large
    for _attempt in range(5):
        process = start_apply(root)
        wait_until(process, Watcher(root).point(point), point)
        freeze(process)
        landed = phase(count_staged(root / PKG), fixed_count(root))
        process.send_signal(signum)
        process.send_signal(signal.SIGCONT)
        _, stderr_bytes = process.communicate(timeout=120)
        stderr = stderr_bytes.decode()

        assert process.returncode == 128 + signum, stderr[-2000:]
        assert f"fixup: interrupted by {signum.name}: " in stderr
        assert staged_files(root) == []
        assert "??" not in git(root, "status", "--porcelain")
        fixed = fixed_count(root)
        assert fixed in (0, FILES), f"half-applied: {fixed} of {FILES} files fixed"
        if landed == "staging":
            assert fixed == 0
            assert "nothing was written (" in stderr  # ... staged files removed)
        elif landed in ("renaming", "written"):
            assert fixed == FILES
            assert f"the fixes were applied first: all {FILES} files written" in stderr
        if landed == wanted:
            return
        if fixed:
            git(root, "checkout", "-q", "--", ".")
    pytest.fail(f"never caught fixup {wanted}")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to see a stop")
def test_a_killed_apply_leaves_only_staged_files_and_the_next_run_removes_them(
    clean_large: Path,
) -> None:
    root = clean_large
    for _attempt in range(5):
        process = start_apply(root)
        watcher = Watcher(root)
        wait_until(process, watcher.point("staging begun"), "staging")
        freeze(process)
        caught_staging = phase(watcher.staged(), fixed_count(root)) == "staging"
        process.kill()
        process.communicate(timeout=60)
        if caught_staging:
            break
        git(root, "checkout", "-q", "--", ".")  # stopped after the renames began: again
    else:
        pytest.fail("never stopped fixup while it was staging")
    stale = staged_files(root)
    assert stale
    assert fixed_count(root) == 0

    code, _, stderr = run_cli(str(root))
    assert code == 0, stderr
    assert (
        f"removed {len(stale)} staged file{'s' * (len(stale) != 1)} left by an interrupted"
        in stderr
    )
    assert staged_files(root) == []
    assert fixed_count(root) == FILES


@pytest.fixture
def broken(repo: Path) -> Path:
    write(repo, BROKEN)
    commit_all(repo)
    return repo


ITEMS = "backend/routers/items.py"


def test_stale_staged_files_are_removed_even_when_there_is_nothing_to_fix(repo: Path) -> None:
    write(repo, {"app/__init__.py": "", "app/a.py": "from app import b\n", "app/b.py": ""})
    commit_all(repo)
    (repo / "app/.a.py.0123abcd.fixup-tmp").write_text("half a fix")
    (repo / "app/.keep.fixup-tmp.txt").write_text("not ours")
    code, _, stderr = run_cli(str(repo))
    assert code == 0, stderr
    assert "removed 1 staged file left by an interrupted fixup run: app/.a.py.0123abcd" in stderr
    assert not (repo / "app/.a.py.0123abcd.fixup-tmp").exists()
    assert (repo / "app/.keep.fixup-tmp.txt").exists()


def test_check_and_dry_run_leave_stale_staged_files_alone(broken: Path) -> None:
    stale = broken / "backend/routers/.items.py.0123abcd.fixup-tmp"
    stale.write_text("half a fix")
    assert run_cli("--check", str(broken))[0] == 1
    assert run_cli("--dry-run", str(broken))[0] == 0
    assert stale.exists()


def test_a_read_only_file_is_refused_and_nothing_is_written(broken: Path) -> None:
    write(broken, {"backend/routers/users.py": "from ..services.db import session\n"})
    commit_all(broken)
    (broken / ITEMS).chmod(0o444)
    code, _, stderr = run_cli(str(broken))
    assert code == 2
    assert f"fixup: refused: read-only file {ITEMS}: fixup would replace it" in stderr
    assert "nothing was written" in stderr
    assert git(broken, "status", "--porcelain") == ""
    assert stat.S_IMODE((broken / ITEMS).stat().st_mode) == 0o444


def test_an_unwritable_folder_is_named_and_nothing_is_written(broken: Path) -> None:
    write(broken, {"backend/services/users.py": "from ..services.db import session\n"})
    commit_all(broken)
    folder = broken / "backend/routers"
    folder.chmod(0o555)
    try:
        code, _, stderr = run_cli(str(broken))
    finally:
        folder.chmod(0o755)
    assert code == 2, stderr
    assert "fixup: error: cannot write in folder backend/routers/ (no write permission)" in stderr
    assert "nothing was written" in stderr
    assert "internal error" not in stderr
    assert git(broken, "status", "--porcelain") == ""


def test_a_file_fixup_cannot_parse_fails_every_mode(broken: Path) -> None:
    write(broken, {"backend/routers/bad.py": "from ..services.db import session\ndef (:\n"})
    commit_all(broken)
    for mode in ("--check", "--dry-run"):
        code, _, stderr = run_cli(mode, str(broken))
        assert code == 1, (mode, stderr)
        assert "error: backend/routers/bad.py: syntax error, file skipped: line 2" in stderr
        assert "1 error reported (exit status 1; --exit-zero to report only)." in stderr
    code, _, stderr = run_cli(str(broken))
    assert code == 1, stderr
    assert (broken / ITEMS).read_text().startswith("from services.db")
    # Nothing left to fix, the error is still there.
    code, _, stderr = run_cli("--check", str(broken))
    assert code == 1
    assert "Nothing to fix." in stderr


def test_an_error_fails_a_branch_run_too(broken: Path) -> None:
    write(broken, {"backend/routers/bad.py": "from ..services.db import session\ndef (:\n"})
    commit_all(broken)
    code, _, stderr = run_cli("--branch", "fixup/imports", str(broken))
    assert code == 1, stderr
    assert "1 error reported" in stderr
    assert "from services.db" in git(broken, "show", f"fixup/imports:{ITEMS}")
    assert run_cli("--branch", "fixup/other", "--exit-zero", str(broken))[0] == 0


def test_exit_zero_reports_but_exits_0(broken: Path) -> None:
    write(broken, {"backend/routers/bad.py": "from ..services.db import session\ndef (:\n"})
    commit_all(broken)
    code, _, stderr = run_cli("--check", "--exit-zero", str(broken))
    assert code == 0
    assert "backend/routers/bad.py: syntax error, file skipped" in stderr
    assert "fixes pending" in stderr or "fix pending" in stderr
    assert run_cli("--exit-zero", str(broken))[0] == 0
    assert (broken / ITEMS).read_text().startswith("from services.db")
    # Usage errors still count.
    assert run_cli("--exit-zero", "--select", "nope", str(broken))[0] == 2


def test_a_history_that_blocks_a_repair_fails_the_check(tmp_path: Path) -> None:
    # A class deleted from models.py, still imported: its history is not in a depth-1 clone.
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    write(
        origin,
        {
            "app/__init__.py": "",
            "app/models.py": "class User:\n    pass\n\n\nclass Team:\n    pass\n",
            "app/views.py": "from app.models import Team, User\n",
        },
    )
    commit_all(origin)
    write(origin, {"app/models.py": "class User:\n    pass\n"})
    commit_all(origin)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    code, _, stderr = run_cli("--check", "--select", "deleted-classes", str(clone))
    assert code == 1, stderr
    assert "error: app/views.py:1: cannot import name `Team` from `app.models`" in stderr
    assert "git fetch --unshallow" in stderr
    assert run_cli("--check", "--exit-zero", "--select", "deleted-classes", str(clone))[0] == 0


def test_a_write_the_file_system_refuses_is_a_clear_error_and_nothing_is_written(
    broken: Path,
) -> None:
    # A file-size limit makes the file system refuse the big file's staged copy (EFBIG) after
    # the small one was staged: both must be gone, the targets untouched.
    big = "backend/routers/zz_big.py"
    write(broken, {big: "from ..services.db import session\n" + "# padding\n" * 20_000})
    commit_all(broken)
    limit = 100_000

    def limit_file_size() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run(
        [sys.executable, "-m", "fixup", "--no-cache", str(broken)],
        capture_output=True,
        text=True,
        preexec_fn=limit_file_size,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert (broken / big).stat().st_size > limit
    assert result.returncode == 2, result.stderr
    assert "fixup: error: cannot write in folder backend/routers/: File too large" in result.stderr
    assert "nothing was written" in result.stderr
    assert git(broken, "status", "--porcelain") == ""

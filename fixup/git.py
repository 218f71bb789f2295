"""Every conversation with git goes through this module (read-only queries here; writing
branches and commits is done only by the sinks, through the functions marked as such)."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


class GitError(Exception):
    """A git operation failed; the message says which and why."""


@dataclass(frozen=True)
class GitRepo:
    """A git work tree and where the project sits in it."""

    #: The work tree's top-level folder.
    toplevel: Path
    #: The project root relative to ``toplevel`` (POSIX, "" when they are the same).
    prefix: str

    def run(self, *args: str) -> str:
        """Run a git command in the work tree and return its output."""
        return run_plumbing(self, *args).decode("utf-8", "surrogateescape")

    def to_project_path(self, toplevel_path: str) -> str | None:
        """A path relative to the work tree as a path relative to the project (None if outside)."""
        if not self.prefix:
            return toplevel_path
        pure = PurePosixPath(toplevel_path)
        try:
            return pure.relative_to(self.prefix).as_posix()
        except ValueError:
            return None

    def to_toplevel_path(self, project_path: str) -> str:
        return f"{self.prefix}/{project_path}" if self.prefix else project_path

    def list_files(self) -> list[str]:
        """Files under the project that git tracks, plus untracked ones it does not ignore."""
        out = self.run(
            "ls-files",
            "--cached",
            "--others",
            "--exclude-standard",
            "-z",
            "--",
            self.prefix or ".",
        )
        paths = []
        for entry in out.split("\0"):
            if entry:
                rel = self.to_project_path(entry)
                if rel is not None:
                    paths.append(rel)
        return sorted(set(paths))

    def dirty_paths(self, project_paths: list[str]) -> list[str]:
        """Those of the paths that differ from HEAD (staged, modified or untracked)."""
        if not project_paths:
            return []
        out = self.run(
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--",
            *[self.to_toplevel_path(p) for p in project_paths],
        )
        dirty = []
        for entry in out.split("\0"):
            if len(entry) > 3 and entry[2] == " ":
                rel = self.to_project_path(entry[3:])
                if rel is not None:
                    dirty.append(rel)
        return sorted(set(dirty))

    def ignores_project(self) -> bool:
        """True when the project folder itself is ignored by the repository (a scratch folder)."""
        if not self.prefix:
            return False
        try:
            self.run("check-ignore", "--quiet", "--", self.prefix)
        except GitError:
            return False  # exit 1: not ignored
        return True


def find_repo(path: Path) -> GitRepo | None:
    """The git work tree that holds ``path``, or None when it is not in one (or git is missing).

    Asked of git itself (one ``rev-parse``): importing GitPython to ask would cost every run
    more than the question does."""
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=path,
            capture_output=True,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except OSError:  # git is missing, or the folder is
        return None
    # Outside a work tree (no repository, a bare one, inside .git) git says so and exits 128.
    toplevel_dir = proc.stdout.decode("utf-8", "surrogateescape").strip()
    if proc.returncode != 0 or not toplevel_dir:
        return None
    toplevel = Path(toplevel_dir).resolve()
    prefix = os.path.relpath(path.resolve(), toplevel)
    prefix = "" if prefix == "." else PurePosixPath(Path(prefix).as_posix()).as_posix()
    return GitRepo(toplevel=toplevel, prefix=prefix)


# ---------------------------------------------------------------- reading history
#
# A file's history is read in two steps: one `git log --follow` lists the commits that
# changed it (renames followed) with the blob each left behind, and one `git cat-file --batch`
# streams those blobs in order, so that a walk that stops early stops git too.


@dataclass(frozen=True)
class HistoryCommit:
    """A commit as a reviewer sees it in provenance."""

    sha: str
    #: Author date, ISO 8601.
    date: str
    author: str
    subject: str


@dataclass(frozen=True)
class FileVersion:
    """The file as one commit left it."""

    commit: HistoryCommit
    #: The file's path at that commit, relative to the work tree's top level.
    path: str
    #: The blob holding its text, or None when the commit deleted the file.
    blob: str | None


@dataclass(frozen=True)
class FileHistory:
    """Every commit that changed a file, newest first, and how far back git could look."""

    versions: tuple[FileVersion, ...]
    #: Commits reachable from the revision searched (the whole depth looked at).
    commits_searched: int
    #: True in a shallow clone: older commits exist but are not here.
    shallow: bool
    #: The oldest commit reachable (a shallow clone's boundary), or None without commits.
    oldest: HistoryCommit | None


_LOG_FORMAT = "%x1e%H%x1f%aI%x1f%an%x1f%s"


def file_history(repo: GitRepo, project_path: str, rev: str = "HEAD") -> FileHistory:
    """The history of one project file in ``rev``'s ancestry, following renames."""
    if resolve_commit(repo, rev) is None:
        return FileHistory((), 0, False, None)
    log = ("log", "--follow", "-z", "--raw", "--no-abbrev", "--no-color")
    path = repo.to_toplevel_path(project_path)
    out = run_plumbing(repo, *log, f"--format={_LOG_FORMAT}", rev, "--", path)
    text = out.decode("utf-8", "surrogateescape")
    versions = []
    for record in text.split("\x1e")[1:]:
        header, _, raw = record.partition("\0")
        sha, date, author, subject = header.split("\x1f", 3)
        commit = HistoryCommit(sha, date, author, subject)
        fields = raw.strip("\n").split("\0")
        # ":oldmode newmode oldblob newblob STATUS", then one path (two for a rename or copy).
        if not fields or not fields[0].startswith(":"):
            continue  # a merge commit: no diff of its own
        meta = fields[0].split(" ")
        status = meta[4]
        at = fields[2] if status[0] in "RC" and len(fields) > 2 else fields[1]
        versions.append(FileVersion(commit, at, None if status == "D" else meta[3]))
    count = int(run_plumbing(repo, "rev-list", "--count", rev).decode().strip() or 0)
    shallow = run_plumbing(repo, "rev-parse", "--is-shallow-repository").decode().strip() == "true"
    roots = run_plumbing(repo, "rev-list", "--max-parents=0", rev).decode().split()
    oldest = None
    if roots:
        line = run_plumbing(repo, "log", "-1", f"--format={_LOG_FORMAT[4:]}", roots[-1]).decode()
        oldest = HistoryCommit(*line.rstrip("\n").split("\x1f", 3))
    return FileHistory(tuple(versions), count, shallow, oldest)


def history_state(repo: GitRepo, rev: str) -> tuple[str, tuple[str, ...]] | None:
    """What the history below ``rev`` depends on: the commit's sha and, in a shallow clone,
    the boundary commits (``git fetch --deepen`` moves them); None when ``rev`` names no commit.
    """
    sha = resolve_commit(repo, rev)
    if sha is None:
        return None
    shallow_file = run_plumbing(repo, "rev-parse", "--git-path", "shallow").decode().strip()
    try:
        boundary = (repo.toplevel / shallow_file).read_text().split()
    except FileNotFoundError:
        boundary = []
    return sha, tuple(sorted(boundary))


def existing_paths(repo: GitRepo, commit: str, toplevel_paths: list[str]) -> set[str]:
    """Those of the paths (relative to the top level) that ``commit``'s tree holds."""
    if not toplevel_paths:
        return set()
    listing = ("ls-tree", "-z", "--name-only", "--full-tree", commit, "--")
    out = run_plumbing(repo, *listing, *toplevel_paths).decode("utf-8", "surrogateescape")
    return set(out.split("\0")) & set(toplevel_paths)


def stream_blobs(repo: GitRepo, blobs: Iterable[str]) -> Generator[bytes, None, None]:
    """The contents of ``blobs``, in order, from one ``git cat-file --batch``.

    The ids are written from a thread while the contents are read, so git never waits for a
    round trip; a caller that stops early (closes the generator) stops git too.
    """
    process = subprocess.Popen(
        ["git", "cat-file", "--batch"],
        cwd=repo.toplevel,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    stdin, stdout = process.stdin, process.stdout
    assert stdin is not None and stdout is not None
    ids = list(blobs)

    def write_ids() -> None:
        try:
            for blob in ids:
                stdin.write(blob.encode() + b"\n")
            stdin.close()
        except (BrokenPipeError, ValueError, OSError):
            pass  # the reader stopped early and git is gone

    writer = threading.Thread(target=write_ids, daemon=True)
    writer.start()
    try:
        for blob in ids:
            header = stdout.readline().split()
            if len(header) != 3:
                raise GitError(f"git cat-file: cannot read blob {blob}")
            data = stdout.read(int(header[2]))
            stdout.read(1)  # the newline after each object
            yield data
    finally:
        process.kill()
        stdout.close()
        process.wait()
        writer.join()
        with contextlib.suppress(OSError):
            stdin.close()


@dataclass(frozen=True)
class Rename:
    """One file rename git detected in a commit (paths relative to the work tree's top level)."""

    commit: HistoryCommit
    old: str
    new: str
    #: The file's text before and after the commit (a rename may also edit the file).
    old_blob: str
    new_blob: str
    #: git's similarity index, 0-100.
    similarity: int


def renames(repo: GitRepo, rev: str = "HEAD") -> tuple[Rename, ...]:
    """Every file rename git detects (``-M``) in ``rev``'s ancestry, newest first.

    No pathspec: limiting the log to the old path would hide the new one from rename detection.
    """
    if resolve_commit(repo, rev) is None:
        return ()
    args = ["log", "--diff-filter=R", "-M", "--raw", "--no-abbrev", "-z", "--no-color"]
    out = run_plumbing(repo, *args, f"--format={_LOG_FORMAT}", rev, "--")
    found = []
    for record in out.decode("utf-8", "surrogateescape").split("\x1e")[1:]:
        header, _, raw = record.partition("\0")
        commit = HistoryCommit(*header.split("\x1f", 3))
        fields = raw.lstrip("\n").split("\0")
        # ":oldmode newmode oldblob newblob R<similarity>", old path, new path; repeated.
        i = 0
        while i + 2 < len(fields) and fields[i].startswith(":"):
            meta = fields[i].split(" ")
            if meta[4].startswith("R"):
                found.append(
                    Rename(commit, fields[i + 1], fields[i + 2], meta[2], meta[3], int(meta[4][1:]))
                )
            i += 3
    return tuple(found)


def where_path_went(repo: GitRepo, toplevel_path: str, rev: str = "HEAD") -> tuple[Rename, ...]:
    """The renames that carried ``toplevel_path`` to its newest name, oldest first.

    Starts from the path's latest rename in ``rev``'s ancestry and follows the new name through
    each later rename (``image.py`` -> ``model.py`` -> ``models/model.py``); empty when git never
    saw the path renamed. Whether the last name still exists is for the caller to check.
    """
    return follow_renames(renames(repo, rev), toplevel_path)


def follow_renames(newest_first: Sequence[Rename], toplevel_path: str) -> tuple[Rename, ...]:
    """``where_path_went`` on renames already read (one ``renames()`` call for many paths)."""
    oldest_first = list(reversed(newest_first))
    start = next(
        (i for i in reversed(range(len(oldest_first))) if oldest_first[i].old == toplevel_path),
        None,
    )
    if start is None:
        return ()
    chain = [oldest_first[start]]
    for later in oldest_first[start + 1 :]:
        if later.old == chain[-1].new:
            chain.append(later)
    return tuple(chain)


# ---------------------------------------------------------------- writing (sinks only)
#
# Branch commits are built with plumbing in a temporary index file, so the user's working
# tree, index and HEAD are never touched; a ref moves only in the last step (update-ref with
# the value it was read with), so an interrupted run leaves at most unreachable objects.

ZERO_SHA = "0" * 40


@dataclass(frozen=True)
class CommitInfo:
    """One commit, as the branch sink inspects it."""

    sha: str
    tree: str
    parents: tuple[str, ...]
    #: "Name <email>"
    author: str
    message: str

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]


def run_plumbing(
    repo: GitRepo, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None
) -> bytes:
    """Run git with bytes in and out; ``env`` adds to (never replaces) the environment."""
    full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})}
    try:
        proc = subprocess.run(
            ["git", *args], cwd=repo.toplevel, input=input, capture_output=True, env=full_env
        )
    except OSError as exc:
        raise GitError(f"git {args[0]} failed: {exc.strerror}") from None
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"git {args[0]} failed: {stderr or f'exit status {proc.returncode}'}")
    return proc.stdout


def resolve_commit(repo: GitRepo, rev: str) -> str | None:
    """The full sha of the commit ``rev`` names, or None."""
    try:
        out = run_plumbing(
            repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"
        )
    except GitError:
        return None
    return out.decode().strip() or None


def read_blobs(
    repo: GitRepo, commit: str, wanted: Callable[[str], bool]
) -> dict[str, tuple[str, bytes]]:
    """Toplevel path -> (mode, bytes) of the files in ``commit``'s tree that ``wanted`` accepts.

    Symbolic links (mode 120000) come back with the link target as their bytes; submodules
    are left out.
    """
    listing = run_plumbing(repo, "ls-tree", "-r", "-z", "--full-tree", commit)
    entries: list[tuple[str, str, str]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, sha = meta.decode().split(" ")
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind == "blob" and wanted(path):
            entries.append((path, mode, sha))
    if not entries:
        return {}
    out = run_plumbing(
        repo, "cat-file", "--batch", input="".join(f"{sha}\n" for _, _, sha in entries).encode()
    )
    blobs: dict[str, tuple[str, bytes]] = {}
    pos = 0
    for path, mode, _ in entries:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split(b" ")[2])
        start = header_end + 1
        blobs[path] = (mode, out[start : start + size])
        pos = start + size + 1  # the blob is followed by a newline
    return blobs


def tree_modes(repo: GitRepo, commit: str, paths: list[str]) -> dict[str, str]:
    """Toplevel path -> mode for those of ``paths`` that ``commit`` holds."""
    return {path: entry[0] for path, entry in _ls_tree(repo, commit, paths).items()}


def blob_ids(repo: GitRepo, commit: str, paths: list[str]) -> dict[str, str]:
    """Toplevel path -> blob id for those of ``paths`` that ``commit`` holds (absent: left out)."""
    return {path: entry[2] for path, entry in _ls_tree(repo, commit, paths).items()}


def _ls_tree(repo: GitRepo, commit: str, paths: list[str]) -> dict[str, list[str]]:
    """Toplevel path -> [mode, type, object id] for those of ``paths`` that ``commit`` holds."""
    if not paths:
        return {}
    out = run_plumbing(repo, "ls-tree", "-z", "--full-tree", commit, "--", *paths)
    entries = {}
    for record in out.split(b"\0"):
        if record:
            meta, _, raw_path = record.partition(b"\t")
            entries[raw_path.decode("utf-8", "surrogateescape")] = meta.decode().split(" ")
    return entries


def build_tree(repo: GitRepo, parent: str, changes: Mapping[str, tuple[str, bytes] | None]) -> str:
    """The tree of ``parent`` with ``changes`` (toplevel path -> (mode, bytes); None deletes).

    The tree is built in a temporary index file that is always removed: the user's index is
    never read or written.
    """
    import tempfile  # imported where used: a run that writes no branch never needs it

    with tempfile.TemporaryDirectory(prefix="fixup-index-") as scratch:
        index_env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        run_plumbing(repo, "read-tree", parent, env=index_env)
        removed = [path for path, change in changes.items() if change is None]
        if removed:
            run_plumbing(
                repo,
                "update-index",
                "--force-remove",
                "-z",
                "--stdin",
                input=_z(removed),
                env=index_env,
            )
        lines = []
        for path, change in changes.items():
            if change is not None:
                mode, data = change
                blob = (
                    run_plumbing(repo, "hash-object", "-w", "--stdin", input=data).decode().strip()
                )
                lines.append(f"{mode} {blob}\t{path}")
        if lines:
            run_plumbing(
                repo, "update-index", "--add", "-z", "--index-info", input=_z(lines), env=index_env
            )
        return run_plumbing(repo, "write-tree", env=index_env).decode().strip()


def commit_tree(
    repo: GitRepo, tree: str, parent: str, message: str, env: Mapping[str, str] | None = None
) -> str:
    """A commit object for ``tree`` on top of ``parent``; no ref moves."""
    return (
        run_plumbing(
            repo, "commit-tree", tree, "-p", parent, "-F", "-", input=message.encode(), env=env
        )
        .decode()
        .strip()
    )


def _z(items: list[str]) -> bytes:
    return "".join(f"{item}\0" for item in items).encode("utf-8", "surrogateescape")


def update_branch(repo: GitRepo, branch: str, new: str, old: str | None, reason: str) -> None:
    """Point refs/heads/``branch`` at ``new``, only if it still is at ``old`` (None: absent)."""
    run_plumbing(repo, "update-ref", "-m", reason, f"refs/heads/{branch}", new, old or ZERO_SHA)


def branch_commit(repo: GitRepo, branch: str) -> str | None:
    """The commit a local branch points at, or None when there is no such branch."""
    return resolve_commit(repo, f"refs/heads/{branch}")


def check_branch_name(repo: GitRepo, branch: str) -> bool:
    try:
        run_plumbing(repo, "check-ref-format", "--branch", branch)
    except GitError:
        return False
    return True


def commits_between(repo: GitRepo, base: str, tip: str) -> list[CommitInfo]:
    """The commits reachable from ``tip`` and not from ``base``, newest first."""
    out = run_plumbing(
        repo, "log", "-z", "--format=%H%x1f%T%x1f%P%x1f%an <%ae>%x1f%B", tip, "--not", base, "--"
    )
    commits = []
    for record in out.decode("utf-8", "replace").split("\0"):
        if record.strip():
            sha, tree, parents, author, message = record.split("\x1f", 4)
            commits.append(CommitInfo(sha.strip(), tree, tuple(parents.split()), author, message))
    return commits


def current_branch(repo: GitRepo) -> str | None:
    """The branch HEAD is on, or None when HEAD is detached."""
    try:
        return run_plumbing(repo, "symbolic-ref", "-q", "--short", "HEAD").decode().strip() or None
    except GitError:
        return None


def checked_out_branches(repo: GitRepo) -> set[str]:
    """Branches checked out in this or any linked work tree (moving them would desync a tree)."""
    out = run_plumbing(repo, "worktree", "list", "--porcelain").decode("utf-8", "replace")
    return {
        line.removeprefix("branch refs/heads/")
        for line in out.splitlines()
        if line.startswith("branch refs/heads/")
    }


def identity(repo: GitRepo, which: str, env: Mapping[str, str] | None = None) -> str:
    """``"Name <email>"`` git would use as the author (``which="AUTHOR"``) or committer."""
    try:
        ident = run_plumbing(repo, "var", f"GIT_{which}_IDENT", env=env).decode().strip()
    except GitError:
        raise GitError(
            f"git does not know the {which.lower()}'s name and email: set user.name and user.email "
            "with git config, or pass --author"
        ) from None
    return ident[: ident.rindex(">") + 1]


def has_uncommitted_changes(repo: GitRepo) -> bool:
    """True when the project's part of the work tree differs from HEAD (untracked files count)."""
    out = run_plumbing(
        repo, "status", "--porcelain", "--untracked-files=normal", "--", repo.prefix or "."
    )
    return bool(out.strip())


def remote_url(repo: GitRepo, remote: str) -> str:
    """The URL configured for ``remote`` (as written, before ``insteadOf`` rewriting)."""
    try:
        return run_plumbing(repo, "config", "--get", f"remote.{remote}.url").decode().strip()
    except GitError:
        raise GitError(f"no remote named {remote!r} (see `git remote -v`)") from None


def remote_branch(
    repo: GitRepo, remote: str, branch: str, env: Mapping[str, str] | None = None
) -> str | None:
    """The commit ``branch`` points at on ``remote``, or None when the remote has no such branch."""
    out = run_plumbing(
        repo, "ls-remote", "--heads", remote, f"refs/heads/{branch}", env=env
    ).decode()
    for line in out.splitlines():
        sha, _, ref = line.partition("\t")
        if ref == f"refs/heads/{branch}":
            return sha
    return None


def fetch_commit(
    repo: GitRepo, remote: str, branch: str, env: Mapping[str, str] | None = None
) -> None:
    """Fetch ``branch``'s commits from ``remote`` into the object store; no ref is written."""
    run_plumbing(
        repo,
        "fetch",
        "--quiet",
        "--no-tags",
        "--no-write-fetch-head",
        "--refmap=",
        remote,
        f"refs/heads/{branch}",
        env=env,
    )


def push_branch(
    repo: GitRepo,
    remote: str,
    commit: str,
    branch: str,
    expected: str | None,
    env: Mapping[str, str] | None = None,
) -> None:
    """Force-push ``commit`` to ``remote``'s ``branch``, only if the remote branch is still at
    ``expected`` (None: it must not exist), so nobody's concurrent push is overwritten."""
    ref = f"refs/heads/{branch}"
    run_plumbing(
        repo,
        "push",
        "--quiet",
        "--no-verify",
        f"--force-with-lease={ref}:{expected or ''}",
        remote,
        f"{commit}:{ref}",
        env=env,
    )


def token_env(url: str, token: str | None) -> dict[str, str]:
    """Environment that makes git send ``token`` to the remote's https host, and nowhere else.

    The token goes through environment-scoped configuration (``GIT_CONFIG_COUNT``), so it is
    never written to .git/config, put in a URL, or shown in the process list; the empty value
    first clears an extraheader another tool (actions/checkout) may have configured.
    """
    match = re.match(r"https://([^/@]+@)?([^/]+)/", url)
    if token is None or match is None:
        return {}
    import base64

    credentials = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    key = f"http.https://{match.group(2)}/.extraheader"
    count = int(os.environ.get("GIT_CONFIG_COUNT", "0") or "0")
    return {
        "GIT_CONFIG_COUNT": str(count + 2),
        f"GIT_CONFIG_KEY_{count}": key,
        f"GIT_CONFIG_VALUE_{count}": "",
        f"GIT_CONFIG_KEY_{count + 1}": key,
        f"GIT_CONFIG_VALUE_{count + 1}": f"AUTHORIZATION: basic {credentials}",
    }


def detected_renames(repo: GitRepo, old: str, new: str) -> set[tuple[str, str]]:
    """The (from, to) toplevel paths git's rename detection finds between two commits."""
    out = run_plumbing(repo, "diff-tree", "-r", "-M", "--name-status", "-z", old, new)
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    renames = set()
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i]
        if status.startswith(("R", "C")):
            renames.add((fields[i + 1], fields[i + 2]))
            i += 3
        else:
            i += 2
    return renames

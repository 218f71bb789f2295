"""Questions about a project's git history, answered as plain data.

Fixers read history only through ``FixerContext.history``: a file's versions (renames
followed), the newest version that bound a name, the renames git detects, which paths a
commit held, and the text of old versions.
Every answer comes from ``fixup.git`` (the one module that runs git) and is cached on disk:
history below a commit never changes, so an answer is keyed by the commit's sha (and, in a
shallow clone, by the clone's boundary, which ``git fetch --deepen`` moves) and the question.
A warm re-run on an unchanged commit reads no history from git.

Errors are data too: without git, or when git fails, a query returns a ``HistoryError``
whose ``reason`` the fixer turns into a diagnostic; a shallow clone is said by
``FileHistory.shallow`` and ``commits_searched``.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Generator, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from fixup.cache import Cache, content_key
from fixup.codemods.bindings import module_bindings
from fixup.git import (
    FileHistory,
    FileVersion,
    GitError,
    GitRepo,
    HistoryCommit,
    Rename,
    existing_paths,
    file_history,
    follow_renames,
    history_state,
    renames,
    stream_blobs,
)
from fixup.textio import SourceError, decode

if TYPE_CHECKING:
    from fixup.project import Project

__all__ = [
    "FileHistory",
    "FileVersion",
    "History",
    "HistoryCommit",
    "HistoryError",
    "Rename",
]

#: Part of every cache key: bump it when the shape of a cached answer changes.
_FORMAT = "history-1"


@dataclass(frozen=True)
class HistoryError:
    """Why a question about history has no answer (no git, git failed, no such commit)."""

    reason: str

    def __str__(self) -> str:
        return self.reason


class History:
    """The git history below one commit (``Project.revision``), for one project folder.

    Paths given to and taken from its methods are relative to the project; the paths inside
    ``FileVersion`` and ``Rename`` are git's (relative to the work tree's top level):
    ``project_path`` translates them.
    """

    def __init__(self, repo: GitRepo | None, revision: str, cache: Cache) -> None:
        self._repo = repo
        self._revision = revision
        self._cache = cache
        #: The cache key prefix for questions about ``revision``'s past; None until asked.
        self._state: str | HistoryError | None = None
        self._renames: tuple[Rename, ...] | HistoryError | None = None
        #: For this run: blob -> the names its version binds at the top level (parsed ones).
        self._bindings: dict[str, frozenset[str]] = {}
        #: For this run: blob -> contents, for the versions a search found.
        self._found: dict[str, bytes] = {}

    @classmethod
    def of(cls, project: Project, *, use_cache: bool = True) -> History:
        """The history below the commit ``project`` was loaded from (HEAD for the working tree,
        the base commit for ``--branch --base``), cached under the project's cache folder."""
        cache = Cache.for_project(project.root, "history", enabled=use_cache)
        return cls(project.git, project.revision, cache)

    @classmethod
    def unavailable(cls) -> History:
        """History for a project outside git (every question answers "not a git repository")."""
        return cls(None, "HEAD", Cache(None, "history"))

    @property
    def available(self) -> bool:
        return self._repo is not None

    def save(self) -> None:
        """Write the answers of this run to the disk cache."""
        self._cache.save()

    # ---------------------------------------------------------------- paths

    def project_path(self, git_path: str) -> str | None:
        """A path from git's answers, relative to the project; None when it is outside it."""
        return self._repo.to_project_path(git_path) if self._repo is not None else git_path

    def git_path(self, project_path: str) -> str:
        """A project path as git names it (relative to the work tree's top level)."""
        return self._repo.to_toplevel_path(project_path) if self._repo is not None else project_path

    # ---------------------------------------------------------------- questions

    def file_history(self, path: str) -> FileHistory | HistoryError:
        """Every commit that changed ``path`` in the revision's ancestry, newest first
        (renames followed: older versions may have another path)."""
        state = self._key_state()
        if isinstance(state, HistoryError):
            return state
        assert self._repo is not None
        git_path = self._repo.to_toplevel_path(path)
        key = content_key(_FORMAT, "file", state, git_path)
        cached = self._cache.get(key)
        if isinstance(cached, dict):
            return _file_history_from_json(cached)
        try:
            history = file_history(self._repo, path, self._revision)
        except GitError as exc:
            return HistoryError(f"reading its git history failed: {exc}")
        self._cache.put(key, asdict(history))
        return history

    def last_versions(self, path: str, names: Iterable[str]) -> dict[str, int] | HistoryError:
        """Name -> the index in ``file_history(path).versions`` of the newest version that binds
        it at the top level (``class``, ``def``, an assignment, an import); a name no version
        binds is left out.

        Versions are read newest first, in one stream that stops once every name is found; a
        cheap text test skips, unparsed, the versions that cannot bind any name still wanted.
        """
        history = self.file_history(path)
        if isinstance(history, HistoryError):
            return history
        wanted = sorted(set(names))
        if not wanted:
            return {}
        state = self._key_state()
        assert isinstance(state, str)  # file_history answered
        key = content_key(_FORMAT, "last", state, self.git_path(path), *wanted)
        cached = self._cache.get(key)
        if isinstance(cached, dict):
            return {str(name): int(index) for name, index in cached.items()}
        found = self._search(history, set(wanted))
        if not isinstance(found, HistoryError):
            self._cache.put(key, found)
        return found

    def renames(self) -> tuple[Rename, ...] | HistoryError:
        """Every file rename git detects in the revision's ancestry, newest first."""
        if self._renames is None:
            self._renames = self._read_renames()
        return self._renames

    def where_path_went(self, path: str) -> tuple[Rename, ...] | HistoryError:
        """The renames that carried project path ``path`` to its newest name, oldest first
        (empty when git never saw it renamed)."""
        found = self.renames()
        if isinstance(found, HistoryError):
            return found
        return follow_renames(found, self.git_path(path))

    def paths_at(self, commit: str, paths: Sequence[str]) -> set[str] | HistoryError:
        """Those of the project ``paths`` that ``commit``'s tree holds."""
        if self._repo is None:
            return _NO_GIT
        if not paths:
            return set()
        git_paths = {self._repo.to_toplevel_path(p): p for p in paths}
        key = content_key(_FORMAT, "paths", commit, *sorted(git_paths))
        cached = self._cache.get(key)
        if isinstance(cached, list):
            return {git_paths[p] for p in cached if p in git_paths}
        try:
            held = existing_paths(self._repo, commit, list(git_paths))
        except GitError as exc:
            return HistoryError(f"reading commit {commit[:7]} failed: {exc}")
        self._cache.put(key, sorted(held))
        return {git_paths[p] for p in held}

    def blobs(self, ids: Iterable[str]) -> Generator[bytes | HistoryError, None, None]:
        """The contents of the blobs ``ids`` names, in order (each kept in the cache: ask for
        the versions a fix is built from, not for a whole history; ``last_versions`` searches).

        Blobs not in the cache are streamed from one ``git cat-file --batch``, started only
        when the first of them is needed; a caller that stops early stops git too. When git
        fails, the stream ends with one ``HistoryError``.
        """
        wanted = list(ids)
        if self._repo is None:
            if wanted:
                yield _NO_GIT
            return
        keys = {blob: content_key(_FORMAT, "blob", blob) for blob in wanted}
        cached: dict[str, bytes] = {}
        for blob, key in keys.items():
            text = self._cache.get(key)
            if isinstance(text, str):
                cached[blob] = text.encode("utf-8", "surrogateescape")
            elif blob in self._found:
                cached[blob] = self._found[blob]
                self._cache.put(key, cached[blob].decode("utf-8", "surrogateescape"))
        stream = stream_blobs(self._repo, [b for b in wanted if b not in cached])
        try:
            for blob in wanted:
                data = cached.get(blob)
                if data is None:
                    try:
                        data = next(stream)
                    except (GitError, StopIteration) as exc:
                        yield HistoryError(f"reading blob {blob[:7]} from git failed: {exc}")
                        return
                    cached[blob] = data
                    self._cache.put(keys[blob], data.decode("utf-8", "surrogateescape"))
                yield data
        finally:
            stream.close()

    def blob(self, blob: str) -> bytes | HistoryError:
        """One blob's contents."""
        return next(iter(self.blobs([blob])))

    # ---------------------------------------------------------------- internals

    def _search(self, history: FileHistory, left: set[str]) -> dict[str, int] | HistoryError:
        assert self._repo is not None
        found: dict[str, int] = {}
        versions = history.versions
        unread = [v.blob for v in versions if v.blob is not None and v.blob not in self._bindings]
        stream = stream_blobs(self._repo, unread)
        try:
            for index, version in enumerate(versions):
                if not left:
                    break
                if version.blob is None:
                    continue
                data: bytes | None = None
                bound = self._bindings.get(version.blob)
                if bound is None:
                    try:
                        data = next(stream)
                    except (GitError, StopIteration) as exc:
                        return HistoryError(f"reading its git history failed: {exc}")
                    text = _decoded(data)
                    # Most versions do not name the names where a binding could be: not parsed.
                    if text is None or not _may_bind(text, left):
                        continue
                    try:
                        bound = frozenset(module_bindings(ast.parse(text), deep=False).names)
                    except (SyntaxError, ValueError):
                        bound = frozenset()
                    self._bindings[version.blob] = bound
                if left & bound:
                    for name in left & bound:
                        found[name] = index
                    if data is not None:
                        self._found[version.blob] = data
                    left -= bound
        finally:
            stream.close()
        return found

    def _key_state(self) -> str | HistoryError:
        if self._state is None:
            self._state = self._read_state()
        return self._state

    def _read_state(self) -> str | HistoryError:
        if self._repo is None:
            return _NO_GIT
        try:
            state = history_state(self._repo, self._revision)
        except GitError as exc:
            return HistoryError(f"reading git history failed: {exc}")
        if state is None:
            return HistoryError(f"{self._revision} names no commit (an empty repository?)")
        sha, boundary = state
        return content_key(sha, *boundary)

    def _read_renames(self) -> tuple[Rename, ...] | HistoryError:
        state = self._key_state()
        if isinstance(state, HistoryError):
            return state
        assert self._repo is not None
        key = content_key(_FORMAT, "renames", state)
        cached = self._cache.get(key)
        if isinstance(cached, list):
            return tuple(_rename_from_json(item) for item in cached)
        try:
            found = renames(self._repo, self._revision)
        except GitError as exc:
            return HistoryError(f"reading renames from git failed: {exc}")
        self._cache.put(key, [asdict(r) for r in found])
        return found


_NO_GIT = HistoryError("not a git repository")


def _commit_from_json(data: dict[str, Any]) -> HistoryCommit:
    return HistoryCommit(**data)


def _file_history_from_json(data: dict[str, Any]) -> FileHistory:
    versions = tuple(
        FileVersion(_commit_from_json(v["commit"]), v["path"], v["blob"]) for v in data["versions"]
    )
    oldest = _commit_from_json(data["oldest"]) if data["oldest"] is not None else None
    return FileHistory(versions, data["commits_searched"], data["shallow"], oldest)


def _rename_from_json(data: dict[str, Any]) -> Rename:
    return Rename(**{**data, "commit": _commit_from_json(data["commit"])})


def _decoded(data: bytes) -> str | None:
    try:
        return decode(data)[0]
    except SourceError:
        return None


def _may_bind(text: str, names: Iterable[str]) -> bool:
    """True when a line naming one of ``names`` looks like it binds it (see ``_binding_line``)."""
    for name in names:
        start = text.find(name)
        if start == -1:
            continue
        pattern = _binding_line(name)
        while start != -1:
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", start)
            if line_end == -1:
                line_end = len(text)
            if pattern.search(text, line_start, line_end):
                return True
            start = text.find(name, line_end)
    return False


@functools.lru_cache(maxsize=4096)
def _binding_line(name: str) -> re.Pattern[str]:
    """Matches a line where a statement could bind ``name``: ``class X``, ``def X``, ``X =`` /
    ``X:`` / ``X,`` at the start of a line, ``a, X =``, ``as X``, ``import ... X``, ``X :=``.
    A mention such as ``List[X]`` or ``Optional['X']`` does not match, nor does ``UserOut``
    for ``User``. It may match more than a binding (the parse decides), never less."""
    word = rf"\b{re.escape(name)}\b"
    return re.compile(
        rf"^[ \t]*(?:async[ \t]+)?(?:class|def)[ \t]+{word}"
        rf"|^[ \t]*{word}[ \t]*(?::|=|,|\))"
        rf"|,[ \t]*{word}[ \t]*[,=)]"
        rf"|\bas[ \t]+{word}"
        rf"|\bimport[ \t]+[^#\n]*{word}"
        rf"|\bfor[ \t]+[^\n]*{word}[^\n]*\bin\b"
        rf"|{word}[ \t]*:=",
        re.M,
    )

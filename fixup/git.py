"""Every conversation with git goes through this module (read-only queries here; writing
branches and commits is done only by the sinks, through the functions marked as such)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import git


class GitError(Exception):
    """A git operation failed; the message says which and why."""


@dataclass(frozen=True)
class GitRepo:
    """A git work tree and where the project sits in it."""

    #: The work tree's top-level folder.
    toplevel: Path
    #: The project root relative to ``toplevel`` (POSIX, "" when they are the same).
    prefix: str

    @property
    def repo(self) -> git.Repo:
        return git.Repo(self.toplevel)

    def run(self, *args: str) -> str:
        """Run a git command in the work tree and return its output."""
        try:
            return str(git.Git(str(self.toplevel)).execute(["git", *args]))
        except git.GitCommandError as exc:
            stderr = (exc.stderr or "").strip().removeprefix("stderr: ").strip("'").strip()
            raise GitError(f"git {args[0]} failed: {stderr or exc}") from None

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
            "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--",
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
            "status", "--porcelain=v1", "-z", "--untracked-files=all", "--",
            *[self.to_toplevel_path(p) for p in project_paths],
        )
        dirty = []
        for entry in out.split("\0"):
            if len(entry) > 3 and entry[2] == " ":
                rel = self.to_project_path(entry[3:])
                if rel is not None:
                    dirty.append(rel)
        return sorted(set(dirty))

    def has_commits(self) -> bool:
        try:
            self.run("rev-parse", "--verify", "--quiet", "HEAD")
        except GitError:
            return False
        return True


def find_repo(path: Path) -> GitRepo | None:
    """The git work tree that holds ``path``, or None when it is not in one (or git is missing)."""
    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    except git.GitCommandNotFound:  # pragma: no cover - depends on the machine
        return None
    if repo.bare or repo.working_tree_dir is None:
        return None
    toplevel = Path(repo.working_tree_dir).resolve()
    prefix = os.path.relpath(path.resolve(), toplevel)
    prefix = "" if prefix == "." else PurePosixPath(Path(prefix).as_posix()).as_posix()
    return GitRepo(toplevel=toplevel, prefix=prefix)

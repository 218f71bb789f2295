"""The project fixup works on: an immutable snapshot of its Python files, and how they import.

``Project.load`` reads the files once; every fixer sees a ``Project`` and returns fixes, and
``Project.apply`` gives the next fixer a new snapshot with those fixes in it. Nothing here
writes to disk.

Module names are resolved the way the interpreter resolves them where the app runs: each file
sees the import roots of its own app (``fixup.apps`` finds them from evidence: packaging
metadata, how the app is started, script folders, ...), in ``sys.path`` order, and at each
root a regular package wins over a module, and a module over a namespace folder.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import TYPE_CHECKING

from fixup.apps import (
    EVIDENCE_NAMES,
    MAX_EVIDENCE_BYTES,
    ImportRoots,
    detect_roots,
    package_dirs,
    stdlib_names,
)
from fixup.apps import parent as _parent
from fixup.fix import Diagnostic, Fix
from fixup.git import GitError, GitRepo, find_repo, read_blobs
from fixup.textio import SourceError, TextFormat, decode

if TYPE_CHECKING:
    import libcst as cst

    from fixup.config import Config

#: Folders that hold other people's code or build output, never the project's own.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".env",
        "env",
        "virtualenv",
        "site-packages",
        "node_modules",
        ".tox",
        ".nox",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".eggs",
        "build",
        "dist",
        "vendor",
        "_vendor",
        "third_party",
        "__pypackages__",
    }
)

#: Native extension modules: importable, but not Python source fixup reads or edits.
_EXTENSION_SUFFIXES = (".pyx", ".so", ".pyd")
_MODULE_SUFFIXES = (".py", ".pyi", *_EXTENSION_SUFFIXES)


@dataclass(frozen=True, eq=False)
class Project:
    """An immutable snapshot of a project's Python files (path -> text)."""

    #: The project folder (absolute).
    root: Path
    #: Project-relative POSIX path -> source text with ``\\n`` line endings.
    files: Mapping[str, str]
    #: How each file is stored on disk (encoding, line endings); new files get the default.
    formats: Mapping[str, TextFormat]
    roots: ImportRoots
    #: The git work tree holding the project, or None.
    git: GitRepo | None = None
    #: Problems met while loading (unreadable files, odd encodings); reported with the run.
    diagnostics: tuple[Diagnostic, ...] = ()
    #: Native extension modules (``.pyx`` sources, built ``.so``/``.pyd``): they exist for
    #: imports, but have no Python text.
    extensions: frozenset[str] = frozenset()
    #: The files that say how the apps run (packaging metadata, Dockerfiles, compose files,
    #: Procfiles, Makefiles, READMEs, alembic.ini, pytest configuration), path -> text, as of
    #: this snapshot: ``fixup.apps`` reads the import roots from them.
    evidence: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: The commit whose history is this snapshot's past: HEAD for the working tree, the base
    #: commit for ``--branch --base REF``.
    revision: str = "HEAD"

    # ---------------------------------------------------------------- loading

    @classmethod
    def load(cls, root: Path, config: Config) -> Project:
        root = root.resolve()
        repo = find_repo(root)
        diagnostics: list[Diagnostic] = []
        if repo is not None and repo.ignores_project():
            diagnostics.append(
                Diagnostic(
                    f"the git repository at {repo.toplevel} ignores this folder: reading it as plain "
                    "files (no history, no uncommitted-change checks)",
                    severity="warning",
                )
            )
            repo = None
        paths, evidence_paths = _discover(root, repo, config.exclude, diagnostics)
        extensions = frozenset(p for p in paths if p.endswith(_EXTENSION_SUFFIXES))
        paths = [p for p in paths if p not in extensions]
        files: dict[str, str] = {}
        formats: dict[str, TextFormat] = {}
        # Plain strings, not Path objects: this loop runs once per file of the project.
        base = str(root)
        for rel in paths:
            full = os.path.join(base, rel)
            if os.path.islink(full):
                diagnostics.append(Diagnostic("skipped: symbolic link", path=rel, severity="info"))
                continue
            try:
                with open(full, "rb") as stream:
                    data = stream.read()
                text, fmt = decode(data)
            except SourceError as exc:
                diagnostics.append(Diagnostic(f"skipped: {exc}", path=rel, severity="error"))
                continue
            except FileNotFoundError:
                continue  # tracked, but deleted in the working tree: not part of the project
            except OSError as exc:
                diagnostics.append(
                    Diagnostic(f"skipped: {exc.strerror}", path=rel, severity="error")
                )
                continue
            files[rel] = text
            formats[rel] = fmt
        evidence = _read_evidence(root, evidence_paths)
        roots = detect_roots(files, config.roots, evidence)
        diagnostics.extend(Diagnostic(message, severity="warning") for message in roots.ambiguities)
        return cls(
            root=root,
            files=MappingProxyType(files),
            formats=MappingProxyType(formats),
            roots=roots,
            git=repo,
            diagnostics=tuple(diagnostics),
            extensions=extensions,
            evidence=evidence,
        )

    @classmethod
    def from_files(
        cls, root: Path, files: Mapping[str, str], roots: Iterable[str] | None = None
    ) -> Project:
        """A project from in-memory files (for tests and scratch copies)."""
        files = dict(files)
        on_disk = [p.name for p in root.glob("*") if _is_evidence(p.name)] if root.is_dir() else []
        evidence = _read_evidence(root, on_disk)
        return cls(
            root=root,
            files=MappingProxyType(files),
            formats=MappingProxyType({p: TextFormat() for p in files}),
            roots=detect_roots(files, list(roots) if roots is not None else None, evidence),
            evidence=evidence,
        )

    @classmethod
    def at_commit(cls, root: Path, config: Config, repo: GitRepo, commit: str) -> Project:
        """The project as committed in ``commit``: uncommitted edits are not seen."""
        root = root.resolve()
        diagnostics: list[Diagnostic] = []

        def wanted(toplevel_path: str) -> bool:
            rel = repo.to_project_path(toplevel_path)
            return rel is not None and (
                (rel.endswith((".py", ".pyi")) or _is_evidence(rel)) and _kept(rel, config.exclude)
            )

        files: dict[str, str] = {}
        formats: dict[str, TextFormat] = {}
        evidence: dict[str, str] = {}
        for path, (mode, data) in sorted(read_blobs(repo, commit, wanted).items()):
            rel = repo.to_project_path(path) or path
            if not rel.endswith((".py", ".pyi")):
                if mode != "120000" and len(data) <= MAX_EVIDENCE_BYTES:
                    evidence[rel] = data.decode("utf-8", "replace")
                continue
            if mode == "120000":
                diagnostics.append(Diagnostic("skipped: symbolic link", path=rel, severity="info"))
                continue
            try:
                files[rel], formats[rel] = decode(data)
            except SourceError as exc:
                diagnostics.append(Diagnostic(f"skipped: {exc}", path=rel, severity="error"))
        return cls(
            root=root,
            files=MappingProxyType(files),
            formats=MappingProxyType(formats),
            roots=detect_roots(files, config.roots, evidence),
            git=repo,
            diagnostics=tuple(diagnostics),
            revision=commit,
            evidence=MappingProxyType(evidence),
        )

    # ---------------------------------------------------------------- snapshots

    def apply(self, fix: Fix) -> Project:
        """A new snapshot with ``fix`` applied; raises ConflictError if the fix is stale."""
        files = dict(self.files)
        formats = dict(self.formats)
        # A file the fix creates is written like the file it continues, else like the files the
        # fix takes code from (a split models.py in CRLF gives CRLF modules), else the default.
        siblings = [c.path for c in fix.changes if c.after is None] + [
            c.path for c in fix.changes if c.before is not None and c.after is not None
        ]
        inherited = next((self.formats[p] for p in siblings if p in self.formats), TextFormat())
        for change in fix.changes:
            current = files.get(change.path)
            if current != change.before:
                raise ConflictError(f"{change.path} changed since {fix.fixer} planned this fix")
            if change.after is None:
                del files[change.path]
                formats.pop(change.path, None)
            else:
                files[change.path] = change.after
                if change.path not in formats:
                    source = change.renamed_from and self.formats.get(change.renamed_from)
                    formats[change.path] = source or inherited
        structure_changed = any(c.before is None or c.after is None for c in fix.changes)
        project = replace(self, files=MappingProxyType(files), formats=MappingProxyType(formats))
        if structure_changed and not self.roots.declared:
            project = replace(project, roots=detect_roots(files, None, self.evidence))
        elif not structure_changed:
            # Same files, same roots: where modules are is unchanged, so is what was found.
            for name in _LAYOUT_CACHES:
                if name in self.__dict__:
                    project.__dict__[name] = self.__dict__[name]
        return project

    # ---------------------------------------------------------------- reading

    def python_files(self) -> Iterator[str]:
        return (p for p in self.files if p.endswith((".py", ".pyi")))

    def files_containing(self, *needles: str) -> Iterator[str]:
        """The cheap prefilter: Python files whose text contains any of ``needles``."""
        for path in self.python_files():
            text = self.files[path]
            if any(needle in text for needle in needles):
                yield path

    def parse(self, path: str) -> cst.Module:
        """The libcst tree of a file, parsed once per distinct text (raises cst.ParserSyntaxError)."""
        return parse_module(self.files[path])

    @cached_property
    def oldest_python(self) -> tuple[int, int] | None:
        """The oldest Python the project supports: the lower bound of ``requires-python`` in
        its ``pyproject.toml`` (``>=3.8`` -> (3, 8)), or None when it declares none."""
        from fixup.config import parse_toml

        try:
            project = parse_toml(self.evidence.get("pyproject.toml", "")).get("project", {})
        except ValueError:
            return None
        spec = project.get("requires-python") if isinstance(project, dict) else None
        match = re.search(r"(?:>=|~=|==)\s*3\.(\d+)", spec) if isinstance(spec, str) else None
        return (3, int(match.group(1))) if match else None

    # ---------------------------------------------------------------- modules

    def import_root(self, path: str) -> str | None:
        """The import root a file is imported from, or None if it is not importable."""
        return self._module_info.get(path, (None, None))[0]

    def module_name(self, path: str) -> str | None:
        """The dotted name a file is imported as (``pkg/__init__.py`` -> ``pkg``)."""
        return self._module_info.get(path, (None, None))[1]

    def is_package(self, path: str) -> bool:
        return PurePosixPath(path).name in ("__init__.py", "__init__.pyi")

    def package_of(self, path: str) -> str | None:
        """``__package__`` for the file: the package a relative import of it starts from."""
        name = self.module_name(path)
        if name is None:
            return None
        return name if self.is_package(path) else name.rpartition(".")[0]

    def sys_path(self, path: str) -> tuple[str, ...]:
        """The import roots a file sees when its app runs, in ``sys.path`` order."""
        found = self._sys_paths.get(path)
        if found is None:
            own = self.import_root(path)
            above = self.roots.sys_path(path)
            found = above if own is None or own in above else (own, *above)
            self._sys_paths[path] = found
        return found

    @cached_property
    def _sys_paths(self) -> dict[str, tuple[str, ...]]:
        return {}

    def resolve_from(self, importer: str, module: str) -> str | None:
        """The file ``import module`` reaches from ``importer`` (a package's ``__init__.py``),
        as the interpreter finds it on that file's ``sys.path``; None for a namespace folder,
        an extension module or a module the project does not have."""
        found = self._find(module, self.sys_path(importer))
        return found[1] if found is not None and found[0] == "source" else None

    def module_exists_from(self, importer: str, module: str) -> bool:
        """True when ``import module`` succeeds from ``importer`` on the project's own files
        (module, package, namespace folder or native extension)."""
        return self._find(module, self.sys_path(importer)) is not None

    def resolve(self, module: str, root: str | None = None) -> str | None:
        """The file a module name imports (a package's ``__init__.py``), or None.

        With ``root``, only that import root is searched; otherwise the module must resolve
        to one file across the project's roots (prefer ``resolve_from``: it knows the app).
        """
        roots = self.roots.paths if root is None else (root,)
        found = {self._find(module, (r,)) for r in roots} - {None}
        files = {f[1] for f in found if f is not None and f[0] == "source"}
        return files.pop() if len(files) == 1 else None

    def module_exists(self, module: str, root: str | None = None) -> bool:
        """True for a module file, a package, or a namespace package folder under an import root."""
        roots = self.roots.paths if root is None else (root,)
        return any(self._find(module, (r,)) is not None for r in roots)

    def modules(self) -> Mapping[str, tuple[str, ...]]:
        """Module name -> the files that define it (more than one only across import roots)."""
        return self._modules

    def _find(self, module: str, search: tuple[str, ...]) -> tuple[str, str] | None:
        """Python's path-based finder over the snapshot: at each folder of ``search`` a
        regular package wins, then a module, then a namespace folder (whose portions are
        gathered across every folder). Returns ("source", file), ("extension", file),
        ("namespace", first portion) or None."""
        key = (module, search)
        if key in self._found:
            return self._found[key]
        result: tuple[str, str] | None = None
        portions = list(search)
        parts = module.split(".")
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            namespace: list[str] = []
            hit: tuple[str, str] | None = None
            for folder in portions:
                base = f"{folder}/{part}" if folder else part
                if base in self._package_dirs:
                    hit = ("package", base)
                    break
                file = self._module_files.get(base)
                if file is not None:
                    hit = ("extension" if file in self.extensions else "source", file)
                    break
                if base in self._folders:
                    namespace.append(base)
            if hit is not None and hit[0] == "package":
                if last:
                    init = hit[1] + "/__init__.py"
                    result = ("source", init if init in self.files else init + "i")
                    break
                portions = [hit[1]]
            elif hit is not None:
                result = hit if last else None
                break
            elif namespace:
                if last:
                    result = ("namespace", namespace[0])
                    break
                portions = namespace
            else:
                break
        self._found[key] = result
        return result

    @cached_property
    def _found(self) -> dict[tuple[str, tuple[str, ...]], tuple[str, str] | None]:
        return {}

    @cached_property
    def _module_info(self) -> dict[str, tuple[str, str]]:
        info: dict[str, tuple[str, str]] = {}
        for path in self.python_files():
            root = _root_for(path, self.roots, self._package_dirs)
            name = _dotted(path, root)
            if name is not None:
                info[path] = (root, name)
        return info

    @cached_property
    def _modules(self) -> dict[str, tuple[str, ...]]:
        modules: dict[str, list[str]] = {}
        for path, (_, name) in self._module_info.items():
            if path.endswith(".pyi") and name in modules:
                continue
            modules.setdefault(name, []).append(path)
        return {name: tuple(paths) for name, paths in modules.items()}

    @cached_property
    def _package_dirs(self) -> set[str]:
        return package_dirs(self.files)

    @cached_property
    def _module_files(self) -> dict[str, str]:
        """Module path without suffix -> its file: source, else a native extension, else a
        stub (``speedups.cpython-311-x86_64-linux-gnu.so`` is the module ``speedups``)."""
        found: dict[str, str] = {}
        for path in sorted(self.extensions):
            stem = PurePosixPath(path).name.split(".")[0]
            found.setdefault(str(PurePosixPath(path).with_name(stem)), path)
        for path in self.files:
            if path.endswith(".py") and PurePosixPath(path).name != "__init__.py":
                found[path[:-3]] = path
        for path in self.files:
            if path.endswith(".pyi") and PurePosixPath(path).name != "__init__.pyi":
                found.setdefault(path[:-4], path)
        return found

    @cached_property
    def _folders(self) -> set[str]:
        """Every folder that holds Python files, at any depth (namespace candidates)."""
        folders: set[str] = set()
        for path in (*self.files, *self.extensions):
            folder = _parent(path)
            while folder and folder not in folders:
                folders.add(folder)
                folder = _parent(folder)
        return folders


#: The cached properties that depend only on which files exist and on the roots.
_LAYOUT_CACHES = (
    "_found",
    "_module_info",
    "_modules",
    "_package_dirs",
    "_module_files",
    "_folders",
    "_sys_paths",
)


class ConflictError(Exception):
    """A fix was planned against text that has changed since."""


# -------------------------------------------------------------------- parsing cache

_PARSE_CACHE: dict[str, cst.Module] = {}


def parse_module(text: str) -> cst.Module:
    """Parse with libcst, cached by content hash: a text is parsed once per run."""
    import libcst as cst  # here, not above: a run that parses nothing never loads libcst

    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    module = _PARSE_CACHE.get(key)
    if module is None:
        try:
            module = cst.parse_module(text)
        except (cst.CSTLogicError, RecursionError) as exc:
            # libcst gives up on some valid code (newer syntax, deep nesting): callers handle
            # it as they handle code that does not parse, so the run goes on without this file.
            raise cst.ParserSyntaxError(
                f"libcst cannot read this file ({type(exc).__name__}: {exc})",
                lines=text.splitlines(keepends=True) or [""],
                raw_line=1,
                raw_column=0,
            ) from exc
        _PARSE_CACHE[key] = module
    return module


# -------------------------------------------------------------------- discovery


def _discover(
    root: Path, repo: GitRepo | None, exclude: Iterable[str], diagnostics: list[Diagnostic]
) -> tuple[list[str], list[str]]:
    """The project's Python files and the files that say how its apps run (evidence),
    relative to root: git's view when in a repo, else the disk's."""
    paths: list[str] | None = None
    if repo is not None:
        try:
            paths = [
                p for p in repo.list_files() if p.endswith(_MODULE_SUFFIXES) or _is_evidence(p)
            ]
            # Built extensions are build output git ignores; they sit beside the sources.
            folders = {_parent(p) for p in paths if p.endswith(".py")}
            for folder in sorted(folders):
                try:
                    names = os.listdir(os.path.join(root, folder))
                except OSError:
                    continue
                paths += [
                    f"{folder}/{name}" if folder else name
                    for name in sorted(names)
                    if name.endswith(_EXTENSION_SUFFIXES[1:]) and not name.startswith(".")
                ]
        except GitError as exc:
            diagnostics.append(
                Diagnostic(
                    f"listing files with git failed, reading the disk instead: {exc}",
                    severity="warning",
                )
            )
    if paths is None:
        paths = sorted(p.relative_to(root).as_posix() for p in _walk(root))
    virtualenvs: dict[str, bool] = {}

    def in_virtualenv(path: str) -> bool:
        top = path.partition("/")[0]
        if top not in virtualenvs:
            virtualenvs[top] = (root / top / "pyvenv.cfg").exists()
        return virtualenvs[top]

    kept = [p for p in paths if _kept(p, exclude) and not in_virtualenv(p)]
    python = [p for p in kept if p.endswith(_MODULE_SUFFIXES)]
    return python, [p for p in kept if not p.endswith(_MODULE_SUFFIXES)]


def _kept(path: str, exclude: Iterable[str]) -> bool:
    """Not under a folder of other people's code, and not excluded by the configuration."""
    return not any(part in SKIPPED_DIRS for part in path.split("/")[:-1]) and not (
        _excluded(path, exclude)
    )


def _walk(root: Path) -> Iterator[Path]:
    for entry in sorted(root.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            if entry.name in SKIPPED_DIRS or (entry / "pyvenv.cfg").exists():
                continue
            yield from _walk(entry)
        elif entry.name.endswith(_MODULE_SUFFIXES) or _is_evidence(entry.name):
            yield entry


def _excluded(path: str, patterns: Iterable[str]) -> bool:
    for pattern in patterns:
        if fnmatch.fnmatchcase(path, pattern):
            return True
        # "golden/**" and "golden/" exclude everything below golden/.
        stem = pattern.rstrip("/").removesuffix("/**")
        if stem != pattern and (path == stem or path.startswith(stem + "/")):
            return True
        if "/" not in pattern and fnmatch.fnmatchcase(PurePosixPath(path).name, pattern):
            return True
    return False


# -------------------------------------------------------------------- evidence


def _read_evidence(root: Path, paths: Iterable[str]) -> Mapping[str, str]:
    """The texts of the files that say how the apps run (``fixup.apps.EVIDENCE_NAMES``)."""
    found = {}
    for rel in paths:
        full = root / rel
        try:
            if full.is_symlink() or full.stat().st_size > MAX_EVIDENCE_BYTES:
                continue
            found[rel] = full.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return MappingProxyType(found)


def _is_evidence(path: str) -> bool:
    return EVIDENCE_NAMES.match(PurePosixPath(path).name) is not None


def _root_for(path: str, roots: ImportRoots, packages: set[str]) -> str:
    """The root a file is imported from: the nearest root above it; else the first folder
    above its packages."""
    above = roots.sys_path(path)
    folder = _parent(path)
    while True:
        if folder in roots.paths and folder in above:
            return folder
        if not folder:
            break
        folder = _parent(folder)
    folder = _parent(path)
    while folder in packages:
        folder = _parent(folder)
    return folder


def _dotted(path: str, root: str) -> str | None:
    rel = PurePosixPath(path).relative_to(root) if root else PurePosixPath(path)
    parts = list(rel.parts)
    parts[-1] = parts[-1].removesuffix(".pyi").removesuffix(".py")
    if parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts)


__all__ = ["ConflictError", "ImportRoots", "Project", "parse_module", "stdlib_names"]

"""The project fixup works on: an immutable snapshot of its Python files, and how they import.

``Project.load`` reads the files once; every fixer sees a ``Project`` and returns fixes, and
``Project.apply`` gives the next fixer a new snapshot with those fixes in it. Nothing here
writes to disk.

Module names are resolved against *import roots*: the folders Python would have on
``sys.path`` when the app runs. They come, in this order, from ``[tool.fixup] roots``, the
packaging metadata of the project's pyproject.toml (setuptools, hatch, poetry), a ``src/``
folder, entry scripts that are run from inside a package folder (seed 001's
``python dev_server.py``), and otherwise from the file's own position: the first folder above
it that is not a package.
"""

from __future__ import annotations

import configparser
import fnmatch
import hashlib
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import TYPE_CHECKING

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

#: A script that starts an app: ``if __name__ == "__main__":`` or ``uvicorn.run(``.
_ENTRY_SCRIPT = re.compile(r"^if\s+__name__\s*==\s*['\"]__main__['\"]|^\s*uvicorn\.run\(", re.M)
_RELATIVE_IMPORT = re.compile(r"^[ \t]*from[ \t]*\.", re.M)
_ABSOLUTE_IMPORT = re.compile(
    r"^(?:from[ \t]+([A-Za-z_]\w*)[\w.]*[ \t]+import|import[ \t]+([A-Za-z_]\w*))", re.M
)


@dataclass(frozen=True)
class ImportRoots:
    """The folders imports resolve against, and how fixup learned them (said to the user)."""

    #: Folders relative to the project root, POSIX, "" for the root itself; deepest match wins.
    paths: tuple[str, ...]
    #: Where each declared or detected root comes from, e.g. "pyproject.toml [tool.fixup] roots".
    sources: Mapping[str, str] = field(default_factory=dict)
    #: True when the roots were declared by the user (then fixup does not second-guess them).
    declared: bool = False


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
    #: The packaging metadata at the project root (``pyproject.toml``, ``setup.cfg``) as of
    #: this snapshot: it declares import roots.
    packaging: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
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
        paths = _discover(root, repo, config.exclude, diagnostics)
        extensions = frozenset(p for p in paths if p.endswith(_EXTENSION_SUFFIXES))
        paths = [p for p in paths if p not in extensions]
        files: dict[str, str] = {}
        formats: dict[str, TextFormat] = {}
        for rel in paths:
            full = root / rel
            if full.is_symlink():
                diagnostics.append(Diagnostic("skipped: symbolic link", path=rel, severity="info"))
                continue
            try:
                text, fmt = decode(full.read_bytes())
            except SourceError as exc:
                diagnostics.append(Diagnostic(f"skipped: {exc}", path=rel, severity="error"))
                continue
            except OSError as exc:
                diagnostics.append(
                    Diagnostic(f"skipped: {exc.strerror}", path=rel, severity="error")
                )
                continue
            files[rel] = text
            formats[rel] = fmt
        packaging = _read_packaging(root)
        roots = detect_roots(files, config.roots, packaging)
        return cls(
            root=root,
            files=MappingProxyType(files),
            formats=MappingProxyType(formats),
            roots=roots,
            git=repo,
            diagnostics=tuple(diagnostics),
            extensions=extensions,
            packaging=packaging,
        )

    @classmethod
    def from_files(
        cls, root: Path, files: Mapping[str, str], roots: Iterable[str] | None = None
    ) -> Project:
        """A project from in-memory files (for tests and scratch copies)."""
        files = dict(files)
        return cls(
            root=root,
            files=MappingProxyType(files),
            formats=MappingProxyType({p: TextFormat() for p in files}),
            roots=detect_roots(
                files, list(roots) if roots is not None else None, _read_packaging(root)
            ),
            packaging=_read_packaging(root),
        )

    @classmethod
    def at_commit(cls, root: Path, config: Config, repo: GitRepo, commit: str) -> Project:
        """The project as committed in ``commit``: uncommitted edits are not seen."""
        root = root.resolve()
        diagnostics: list[Diagnostic] = []

        def wanted(toplevel_path: str) -> bool:
            rel = repo.to_project_path(toplevel_path)
            return rel in _PACKAGING_FILES or (
                rel is not None and rel.endswith((".py", ".pyi")) and _kept(rel, config.exclude)
            )

        files: dict[str, str] = {}
        formats: dict[str, TextFormat] = {}
        packaging: dict[str, str] = {}
        for path, (mode, data) in sorted(read_blobs(repo, commit, wanted).items()):
            rel = repo.to_project_path(path) or path
            if rel in _PACKAGING_FILES:
                packaging[rel] = data.decode("utf-8", "replace")
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
            roots=detect_roots(files, config.roots, packaging),
            git=repo,
            diagnostics=tuple(diagnostics),
            revision=commit,
            packaging=MappingProxyType(packaging),
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
            project = replace(project, roots=detect_roots(files, None, self.packaging))
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

    def resolve(self, module: str, root: str | None = None) -> str | None:
        """The file a module name imports (a package's ``__init__.py``), or None.

        With ``root``, only that import root is considered; otherwise the module must be
        unambiguous across the project's roots.
        """
        candidates = self._modules.get(module, ())
        if root is not None:
            candidates = tuple(p for p in candidates if self.import_root(p) == root)
        return candidates[0] if len(candidates) == 1 else None

    def module_exists(self, module: str, root: str | None = None) -> bool:
        """True for a module file, a package, or a namespace package folder under an import root."""
        if self.resolve(module, root) is not None:
            return True
        extension_roots = self._extension_modules.get(module, ())
        if extension_roots and (root is None or root in extension_roots):
            return True
        namespace_roots = self._namespace_packages.get(module, ())
        return bool(namespace_roots) and (root is None or root in namespace_roots)

    def modules(self) -> Mapping[str, tuple[str, ...]]:
        """Module name -> the files that define it (more than one only across import roots)."""
        return self._modules

    @cached_property
    def _module_info(self) -> dict[str, tuple[str, str]]:
        info: dict[str, tuple[str, str]] = {}
        for path in self.python_files():
            root = _root_for(path, self.roots.paths, self._package_dirs)
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
        return _package_dirs(self.files)

    @cached_property
    def _extension_modules(self) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {}
        for path in self.extensions:
            # "speedups.cpython-311-x86_64-linux-gnu.so" is the module "speedups".
            stem = PurePosixPath(path).name.split(".")[0]
            as_source = str(PurePosixPath(path).with_name(stem + ".py"))
            root = _root_for(as_source, self.roots.paths, self._package_dirs)
            name = _dotted(as_source, root)
            if name is not None:
                found.setdefault(name, set()).add(root)
        return {name: frozenset(roots) for name, roots in found.items()}

    @cached_property
    def _namespace_packages(self) -> dict[str, frozenset[str]]:
        namespaces: dict[str, set[str]] = {}
        for path, (root, name) in self._module_info.items():
            parts = name.split(".")
            # Every dotted prefix that is a folder without __init__.py is a namespace package.
            for i in range(1, len(parts) if not self.is_package(path) else len(parts) - 1):
                prefix = ".".join(parts[:i])
                if prefix not in self._modules:
                    namespaces.setdefault(prefix, set()).add(root)
        return {name: frozenset(roots) for name, roots in namespaces.items()}


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
        module = cst.parse_module(text)
        _PARSE_CACHE[key] = module
    return module


# -------------------------------------------------------------------- discovery


def _discover(
    root: Path, repo: GitRepo | None, exclude: Iterable[str], diagnostics: list[Diagnostic]
) -> list[str]:
    """The project's Python files, relative to root: git's view when in a repo, else the disk's."""
    paths: list[str] | None = None
    if repo is not None:
        try:
            paths = [p for p in repo.list_files() if p.endswith(_MODULE_SUFFIXES)]
            # Built extensions are build output git ignores; they sit beside the sources.
            folders = {_parent(p) for p in paths if p.endswith(".py")}
            paths += [
                (root / f / e.name).relative_to(root).as_posix()
                for f in sorted(folders)
                for e in (root / f).glob("*")
                if e.name.endswith(_EXTENSION_SUFFIXES[1:])
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
    return [
        p
        for p in paths
        if _kept(p, exclude) and not (root / PurePosixPath(p).parts[0] / "pyvenv.cfg").exists()
    ]


def _kept(path: str, exclude: Iterable[str]) -> bool:
    """Not under a folder of other people's code, and not excluded by the configuration."""
    return not any(part in SKIPPED_DIRS for part in PurePosixPath(path).parts[:-1]) and not (
        _excluded(path, exclude)
    )


def _walk(root: Path) -> Iterator[Path]:
    for entry in sorted(root.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            if entry.name in SKIPPED_DIRS or (entry / "pyvenv.cfg").exists():
                continue
            yield from _walk(entry)
        elif entry.name.endswith(_MODULE_SUFFIXES):
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


# -------------------------------------------------------------------- import roots


def detect_roots(
    files: Mapping[str, str], declared: list[str] | None, packaging: Mapping[str, str]
) -> ImportRoots:
    """The folders imports resolve against; see the module docstring for the order.
    ``packaging`` holds the texts of the root's ``pyproject.toml`` and ``setup.cfg``."""
    if declared is not None:
        paths = tuple(_normalise_dir(d) for d in declared)
        return ImportRoots(paths, {p: "[tool.fixup] roots" for p in paths}, declared=True)
    sources: dict[str, str] = {}
    for folder, source in _packaging_roots(packaging):
        sources.setdefault(folder, source)
    if not sources and any(p.startswith("src/") for p in files):
        sources["src"] = "src/ layout"
    package_dirs = _package_dirs(files)
    for folder, script in _script_roots(files, package_dirs):
        sources.setdefault(
            folder, f"the entry script {script} runs with its folder as the import root"
        )
    # The folder above each top-level package (namespace folders inside a package are no roots).
    for package in sorted(package_dirs):
        parent = _parent(package) if package else None
        if (
            parent is not None
            and parent not in package_dirs
            and _parent_or_none(parent) not in package_dirs
        ):
            sources.setdefault(parent, "the folder above a top-level package")
    sources.setdefault("", "the project folder")
    return ImportRoots(tuple(sources), sources)


def _package_dirs(files: Iterable[str]) -> set[str]:
    """Folders that hold an ``__init__.py``: regular packages."""
    return {_parent(p) for p in files if PurePosixPath(p).name == "__init__.py"}


def _parent(path: str) -> str:
    parent = PurePosixPath(path).parent.as_posix()
    return "" if parent == "." else parent


def _parent_or_none(folder: str) -> str | None:
    return _parent(folder) if folder else None


def _normalise_dir(folder: str) -> str:
    folder = PurePosixPath(folder.replace("\\", "/")).as_posix()
    return "" if folder in (".", "./") else folder.strip("/")


_PACKAGING_FILES = ("pyproject.toml", "setup.cfg")


def _read_packaging(root: Path) -> Mapping[str, str]:
    found = {}
    for name in _PACKAGING_FILES:
        try:
            found[name] = (root / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return MappingProxyType(found)


def _packaging_roots(packaging: Mapping[str, str]) -> list[tuple[str, str]]:
    """Package folders declared by packaging metadata, with where each was declared."""
    setup_cfg = _setup_cfg_roots(packaging["setup.cfg"]) if "setup.cfg" in packaging else []
    pyproject = (
        _pyproject_toml_roots(packaging["pyproject.toml"]) if "pyproject.toml" in packaging else []
    )
    return [(f, "setup.cfg [options]") for f in setup_cfg] + [
        (f, "pyproject.toml packaging metadata") for f in pyproject
    ]


def _setup_cfg_roots(text: str) -> list[str]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    found = [parser.get("options.packages.find", "where", fallback="").strip()]
    for line in parser.get("options", "package_dir", fallback="").splitlines():
        name, _, folder = line.partition("=")
        if not name.strip() and folder.strip():
            found.append(folder.strip())
    return [_normalise_dir(f) for f in found if f]


def _pyproject_toml_roots(text: str) -> list[str]:
    from fixup.config import parse_toml

    try:
        data = parse_toml(text)
    except ValueError:
        return []  # reported by the configuration loader
    tool = data.get("tool", {})
    found: list[str] = []
    setuptools = tool.get("setuptools", {})
    package_dir = setuptools.get("package-dir", {})
    if isinstance(package_dir, dict) and isinstance(package_dir.get(""), str):
        found.append(package_dir[""])
    find = setuptools.get("packages", {})
    if isinstance(find, dict):
        where = find.get("find", {}).get("where", [])
        found.extend(w for w in where if isinstance(w, str))
    wheel = tool.get("hatch", {}).get("build", {}).get("targets", {}).get("wheel", {})
    for package in wheel.get("packages", []) if isinstance(wheel, dict) else []:
        if isinstance(package, str):
            found.append(str(PurePosixPath(package).parent))
    for package in tool.get("poetry", {}).get("packages", []):
        if isinstance(package, dict) and isinstance(package.get("from"), str):
            found.append(package["from"])
    return list(dict.fromkeys(_normalise_dir(f) for f in found))


def _script_roots(files: Mapping[str, str], package_dirs: set[str]) -> Iterator[tuple[str, str]]:
    """Folders that hold an entry script importing its siblings as top-level modules.

    ``backend/dev_server.py`` doing ``from routers import projects`` runs with ``backend/`` as
    the import root, even when ``backend/__init__.py`` exists.
    """
    stdlib = stdlib_names()
    for path, text in files.items():
        if PurePosixPath(path).name == "__init__.py" or not _ENTRY_SCRIPT.search(text):
            continue
        # A module with relative imports cannot run as a script: it is run with -m (flask's
        # cli.py has a __main__ guard), so its folder is no import root.
        if _RELATIVE_IMPORT.search(text):
            continue
        folder = _parent(path)
        siblings = _top_level_names(files, folder) - stdlib  # `import typing` is no sibling
        for match in _ABSOLUTE_IMPORT.finditer(text):
            name = match.group(1) or match.group(2)
            if name in siblings:
                yield folder, path
                break


def _top_level_names(files: Mapping[str, str], folder: str) -> set[str]:
    names = set()
    prefix = folder + "/" if folder else ""
    for path in files:
        if path.startswith(prefix):
            first = path[len(prefix) :].split("/")[0]
            names.add(first.removesuffix(".py"))
    names.discard("__init__")
    return names


def _root_for(path: str, roots: tuple[str, ...], package_dirs: set[str]) -> str:
    """The deepest import root above ``path``; else the first folder above its packages."""
    folder = _parent(path)
    parents = [folder]
    while folder:
        folder = _parent(folder)
        parents.append(folder)
    for parent in parents:  # nearest first, so the deepest root wins
        if parent in roots:
            return parent
    folder = parents[0]
    while folder in package_dirs:
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


def stdlib_names() -> frozenset[str]:
    """Top-level names of the standard library (what a same-named local folder shadows)."""
    return frozenset(getattr(sys, "stdlib_module_names", ())) | frozenset(sys.builtin_module_names)

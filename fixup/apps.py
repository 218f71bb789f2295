"""How the code runs: the apps in a repository and the import roots (``sys.path``) of each.

An import root is a folder the interpreter has on ``sys.path`` when the app runs. fixup learns
them from evidence, strongest first:

1. ``[tool.fixup] roots`` (the user has said; nothing is second-guessed);
2. packaging metadata (``pyproject.toml``: setuptools, hatch, poetry; ``setup.cfg``), in the
   repository's root or in an app's own folder;
3. how the app is started: ``uvicorn main:app``, ``gunicorn app:app``, ``flask --app``,
   ``python -m pkg``, ``python script.py`` in a ``Dockerfile``, ``docker-compose*.yml``,
   ``Procfile``, ``Makefile`` or ``README``; ``[project.scripts]``; alembic.ini's
   ``prepend_sys_path``; pytest's ``pythonpath``; an entry script with a ``__main__`` guard
   that imports its siblings;
4. a folder without ``__init__.py`` whose files import their siblings by bare name (a script
   folder, ``tests/`` included: pytest puts it first on ``sys.path`` for its own files);
5. the folder above each top-level package, unless the project imports that package under a
   longer dotted name (then the folder is part of a PEP 420 namespace package, not a root);
6. the repository's root.

Roots from 1, 2, pytest's ``pythonpath`` and the repository's root are *shared*: every file
sees them. Every other root belongs to one app: only the files below it see it, so a name
never resolves into another app's folder, and ``tests/`` never competes with the app.
A file's ``sys.path`` is the roots above it, nearest first, then the shared ones.

Reading evidence uses regular expressions over configuration and command text: this reads
facts, it never edits code.
"""

from __future__ import annotations

import configparser
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

#: Non-Python files that say how an app starts (matched on the file name, any folder).
EVIDENCE_NAMES = re.compile(
    r"^(?:Dockerfile(?:\..*)?|.*\.dockerfile|(?:docker-)?compose[\w.-]*\.ya?ml|Procfile|"
    r"Makefile|README(?:\.\w+)?|alembic\.ini|pytest\.ini|tox\.ini|setup\.cfg|pyproject\.toml)$",
    re.I,
)
#: Evidence files larger than this are not read (generated READMEs, vendored Makefiles).
MAX_EVIDENCE_BYTES = 256 * 1024

#: A file that runs as a script: ``if __name__ == "__main__":`` or ``uvicorn.run(``.
ENTRY_GUARD = re.compile(r"^if\s+__name__\s*==\s*['\"]__main__['\"]|^\s*uvicorn\.run\(", re.M)
_RELATIVE_IMPORT = re.compile(r"^[ \t]*from[ \t]*\.", re.M)
#: Top-level names a file imports: ``from a.b import c`` -> ``a.b``, ``import a.b, c`` -> ``a.b``.
_IMPORTED = re.compile(
    r"^[ \t]*(?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import|import[ \t]+([A-Za-z_][\w.]*))", re.M
)
_SERVER = re.compile(r"\b(?:uvicorn|gunicorn|hypercorn|daphne|granian)\b([^\n#]*)")
_APP_TARGET = re.compile(r"(?<![\w/.:-])([A-Za-z_][\w.]*):([A-Za-z_]\w*)(?:\(\))?(?![\w/:])")
_APP_DIR = re.compile(r"--(?:app-dir|chdir)[= ]+[\"']?([\w./-]+)")
_FLASK_APP = re.compile(r"(?:\bflask\s+--app[= ]+|\bFLASK_APP\s*[=:]\s*)[\"']?([\w./]+)")
_PYTHON_M = re.compile(r"\bpython[\d.]*\s+(?:-[A-Za-z]+\s+)*-m\s+([A-Za-z_][\w.]*)")
_PYTHON_SCRIPT = re.compile(r"\bpython[\d.]*\s+(?:-[A-Za-z]+\s+)*([\w./-]+\.py)\b")


@dataclass(frozen=True)
class ImportRoots:
    """The folders imports resolve against, and how fixup learned them (said to the user)."""

    #: Folders relative to the project root, POSIX, "" for the root itself.
    paths: tuple[str, ...]
    #: Where each root comes from, e.g. "pyproject.toml [tool.fixup] roots".
    sources: Mapping[str, str] = field(default_factory=dict)
    #: True when the roots were declared by the user (then fixup does not second-guess them).
    declared: bool = False
    #: Roots only the files below them see (an app's own folder); the others are shared.
    local: frozenset[str] = frozenset()
    #: Evidence that points two ways, said once per app with the setting that settles it.
    ambiguities: tuple[str, ...] = ()
    #: The files that start an app (served by a command, run as a script or with ``-m``,
    #: an entry script with a ``__main__`` guard), each with how it starts.
    entries: Mapping[str, str] = field(default_factory=dict)

    @property
    def shared(self) -> tuple[str, ...]:
        return tuple(p for p in self.paths if p not in self.local)

    def sys_path(self, path: str) -> tuple[str, ...]:
        """The import roots a file sees, in ``sys.path`` order: the roots above it, nearest
        first, then the shared ones."""
        above = [folder for folder in ancestors(path) if folder in self.local]
        return tuple(dict.fromkeys([*above, *self.shared]))

    def apps(self) -> list[tuple[str, tuple[str, ...]]]:
        """Each app (its folder, "" for the repository) with its ``sys.path``."""
        apps = [("", self.shared)]
        for root in sorted(self.local):
            apps.append((root, self.sys_path(root + "/x.py" if root else "x.py")))
        return apps


def ancestors(path: str) -> list[str]:
    """The folders above a file, nearest first, ending with "" (the project folder)."""
    folders = []
    folder = parent(path)
    while True:
        folders.append(folder)
        if not folder:
            return folders
        folder = parent(folder)


def parent(path: str) -> str:
    """The folder of a normalised POSIX path, "" for the project folder (hot: no PurePath)."""
    return path.rpartition("/")[0]


def normalise_dir(folder: str) -> str:
    folder = PurePosixPath(folder.replace("\\", "/")).as_posix()
    return "" if folder in (".", "./") else folder.strip("/").removeprefix("./")


def join(folder: str, rel: str) -> str:
    """``folder/rel`` normalised (``..`` resolved), "" for the project folder; None-safe."""
    parts: list[str] = [p for p in folder.split("/") if p]
    for part in normalise_dir(rel).split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


def package_dirs(files: Iterable[str]) -> set[str]:
    """Folders that hold an ``__init__.py``: regular packages."""
    return {parent(p) for p in files if PurePosixPath(p).name == "__init__.py"}


def stdlib_names() -> frozenset[str]:
    """Top-level names of the standard library (what a same-named local folder shadows)."""
    return frozenset(getattr(sys, "stdlib_module_names", ())) | frozenset(sys.builtin_module_names)


# -------------------------------------------------------------------- detection


def detect_roots(
    files: Mapping[str, str],
    declared: list[str] | None,
    evidence: Mapping[str, str],
) -> ImportRoots:
    """The import roots of a project: ``files`` are its Python files (path -> text),
    ``evidence`` the texts of the files named by ``EVIDENCE_NAMES`` (path -> text)."""
    detector = _Detector(files, evidence)
    if declared is not None:
        paths = tuple(normalise_dir(d) for d in declared)
        return ImportRoots(
            paths,
            {p: "[tool.fixup] roots" for p in paths},
            declared=True,
            entries=detector.entry_files(),
        )
    return detector.detect()


class _Detector:
    def __init__(self, files: Mapping[str, str], evidence: Mapping[str, str]) -> None:
        self.files = files
        self.evidence = evidence
        self.packages = package_dirs(files)
        self.stdlib = stdlib_names()
        self.shared: dict[str, str] = {}
        self.local: dict[str, str] = {}
        self.ambiguities: list[str] = []
        self.entries: dict[str, str] = {}

    def entry_files(self) -> dict[str, str]:
        """The files that start an app, without deciding roots (they are declared)."""
        for _ in self._command_roots():
            pass
        for _ in self._script_roots():
            pass
        return self.entries

    def detect(self) -> ImportRoots:
        for folder, source in self._packaging_roots():
            self.shared.setdefault(folder, source)
        src_layout = any(p.startswith("src/") for p in self.files)
        if not self.shared and src_layout and not self._imported_as_namespace("src", ""):
            self.shared["src"] = "src/ layout"
        for folder, source in self._pytest_roots():
            self.shared.setdefault(folder, source)
        for folder, source in self._command_roots():
            self._add_local(folder, source)
        for folder, source in self._script_roots():
            self._add_local(folder, source)
        for folder, source in self._package_parent_roots():
            self._add_local(folder, source)
        top_level_package = any(p and not parent(p) for p in self.packages)
        self.shared.setdefault(
            "",
            "the folder above a top-level package" if top_level_package else "the project folder",
        )
        sources = {**self.shared, **{k: v for k, v in self.local.items() if k not in self.shared}}
        local = frozenset(k for k in self.local if k not in self.shared)
        return ImportRoots(
            tuple(sources),
            sources,
            local=local,
            ambiguities=tuple(dict.fromkeys(self.ambiguities)),
            entries=self.entries,
        )

    def _add_local(self, folder: str, source: str) -> None:
        if folder and folder not in self.shared:
            self.local.setdefault(folder, source)

    # -- packaging metadata, in the root or in an app's folder

    def _packaging_roots(self) -> Iterator[tuple[str, str]]:
        for path, text in sorted(self.evidence.items(), key=lambda item: item[0].count("/")):
            name = PurePosixPath(path).name
            base = parent(path)
            if name == "setup.cfg":
                for folder in _setup_cfg_roots(text):
                    yield join(base, folder), f"{path} [options]"
            elif name == "pyproject.toml":
                for folder in _pyproject_toml_roots(text):
                    yield join(base, folder), f"{path} packaging metadata"

    def _pytest_roots(self) -> Iterator[tuple[str, str]]:
        for path, text in self.evidence.items():
            name = PurePosixPath(path).name
            base = parent(path)
            if name == "pyproject.toml":
                pythonpath = _toml_get(text, "tool", "pytest", "ini_options", "pythonpath")
                folders = [pythonpath] if isinstance(pythonpath, str) else pythonpath
            elif name in ("pytest.ini", "tox.ini", "setup.cfg"):
                section = "tool:pytest" if name == "setup.cfg" else "pytest"
                folders = _ini_get(text, section, "pythonpath").split()
            else:
                continue
            for folder in folders if isinstance(folders, list) else []:
                if isinstance(folder, str):
                    yield join(base, folder), f"pytest's pythonpath in {path}"

    # -- how the app is started

    def _command_roots(self) -> Iterator[tuple[str, str]]:
        for path, text in sorted(self.evidence.items()):
            name = PurePosixPath(path).name
            base = parent(path)
            if name == "alembic.ini":
                for folder in (
                    _ini_get(text, "alembic", "prepend_sys_path").replace(",", " ").split()
                ):
                    yield join(base, folder), f"prepend_sys_path in {path}"
                continue
            if name == "pyproject.toml":
                scripts = _toml_get(text, "project", "scripts")
                for target in scripts.values() if isinstance(scripts, dict) else []:
                    if isinstance(target, str) and ":" in target:
                        yield from self._module_roots(
                            target.split(":")[0].strip(), base, f"[project.scripts] in {path}"
                        )
                continue
            for line in text.splitlines():
                yield from self._line_roots(line, path, base)

    def _line_roots(self, line: str, path: str, base: str) -> Iterator[tuple[str, str]]:
        app_dir = _APP_DIR.search(line)
        where = join(base, app_dir.group(1)) if app_dir else base
        server = _SERVER.search(line)
        if server:
            for match in _APP_TARGET.finditer(server.group(1)):
                command = f"`{server.group(0).strip()[:60]}` in {path}"
                yield from self._module_roots(match.group(1), where, command)
        flask = _FLASK_APP.search(line)
        if flask:
            target = flask.group(1)
            command = f"`flask --app {target}` in {path}"
            if target.endswith(".py"):
                yield from self._flask_file_root(target, where, command)
            else:
                yield from self._module_roots(target.split(":")[0], where, command)
        for match in _PYTHON_M.finditer(line):
            command = f"`python -m {match.group(1)}` in {path}"
            yield from self._module_roots(match.group(1), where, command)
        for match in _PYTHON_SCRIPT.finditer(line):
            yield from self._script_root(
                match.group(1), where, f"`python {match.group(1)}` in {path}"
            )

    def _module_roots(self, module: str, near: str, command: str) -> Iterator[tuple[str, str]]:
        """The folder ``module`` is imported from, for a command run in (or near) ``near``."""
        if not module or module.split(".")[0] in self.stdlib:
            return
        rel = module.replace(".", "/")
        suffixes = (rel + ".py", rel + "/__init__.py", rel + "/__main__.py")
        candidates = sorted(
            {
                path[: -len(s)].rstrip("/")
                for path in self.files
                for s in suffixes
                if path == s or path.endswith("/" + s)
            }
        )
        if not candidates:
            return
        inside = [c for c in candidates if c == near or c.startswith(near + "/") or not near]
        if inside:
            candidates = inside
        nearest = min(c.count("/") + (c != "") for c in candidates)
        chosen = [c for c in candidates if c.count("/") + (c != "") == nearest]
        if len(chosen) > 1 and not PurePosixPath(
            command.rsplit(" in ", 1)[-1]
        ).name.upper().startswith("README"):
            listing = ", ".join(f"{c or '.'}/" for c in chosen[:4])
            self.ambiguities.append(
                f"{command} could run from {listing}: each is taken as its own app; "
                f"set `[tool.fixup] roots` to say which folders are on sys.path"
            )
        for folder in chosen:
            for suffix in suffixes:
                if (path := join(folder, suffix)) in self.files:
                    self.entries.setdefault(path, command)
            yield folder, f"{command} imports `{module}` from here"

    def _flask_file_root(self, file: str, near: str, command: str) -> Iterator[tuple[str, str]]:
        """Flask imports ``--app path/to/pkg/__init__.py`` as a module: the first folder above
        the file's packages goes on sys.path."""
        path = join(near, file)
        if path in self.files:
            self.entries.setdefault(path, command)
            folder = parent(path)
            while folder and folder in self.packages:
                folder = parent(folder)
            yield folder, f"{command} imports it from here"

    def _script_root(self, script: str, near: str, command: str) -> Iterator[tuple[str, str]]:
        path = join(near, script)
        if path in self.files:
            self.entries.setdefault(path, command)
            yield parent(path), f"{command} runs it with its folder first on sys.path"

    # -- script folders and entry scripts

    def _script_roots(self) -> Iterator[tuple[str, str]]:
        by_folder: dict[str, list[str]] = {}
        for path in self.files:
            if path.endswith(".py"):
                by_folder.setdefault(parent(path), []).append(path)
        for folder, paths in sorted(by_folder.items()):
            if not folder:
                continue
            in_package = folder in self.packages
            if in_package or parent(folder) in self.packages:
                # A folder inside a package runs as a script folder only from an entry
                # script (seed 001's `python dev_server.py` in a package folder).
                candidates = [
                    p
                    for p in paths
                    if PurePosixPath(p).name != "__init__.py" and _runs_as_script(self.files[p])
                ]
            else:
                candidates = paths
            siblings = self._top_level_names(folder) - self.stdlib
            for path in candidates:
                text = self.files[path]
                # A module with relative imports cannot run as a script: it is run with -m.
                if _RELATIVE_IMPORT.search(text):
                    continue
                names = {m.split(".")[0] for m in _imported(text)}
                sibling = sorted(names & siblings - {PurePosixPath(path).stem})
                if sibling and _runs_as_script(text):
                    self.entries.setdefault(path, "an entry script with a __main__ guard")
                    yield folder, f"the entry script {path} runs with its folder as the import root"
                    break
                if sibling:
                    yield folder, f"a script folder: {path} imports its sibling `{sibling[0]}`"
                    break

    def _top_level_names(self, folder: str) -> set[str]:
        names = set()
        prefix = folder + "/" if folder else ""
        for path in self.files:
            if path.startswith(prefix):
                first = path[len(prefix) :].split("/")[0]
                names.add(first.removesuffix(".pyi").removesuffix(".py"))
        names.discard("__init__")
        return names

    # -- the folder above each top-level package

    def _package_parent_roots(self) -> Iterator[tuple[str, str]]:
        for package in sorted(self.packages):
            if not package:
                continue
            above = parent(package)
            if not above or above in self.packages or parent(above) in self.packages:
                continue  # the project folder, or a namespace folder inside a package
            if self._imported_as_namespace(above, PurePosixPath(package).name):
                continue
            yield above, "the folder above a top-level package"

    def _imported_as_namespace(self, folder: str, package: str) -> bool:
        """Does the project import ``folder/package`` under a longer dotted name, through
        namespace folders from a root above (``docs_src.bigger_applications.app``)?"""
        parts = folder.split("/")
        for i in range(len(parts)):
            dotted = ".".join([*parts[i:], package] if package else parts[i:])
            if not all(p.isidentifier() for p in dotted.split(".")):
                continue
            if any(
                name == dotted or name.startswith(dotted + ".") for name in self._imported_names
            ):
                return True
        return False

    @property
    def _imported_names(self) -> frozenset[str]:
        cached = self.__dict__.get("_names")
        if cached is None:
            cached = frozenset(name for text in self.files.values() for name in _imported(text))
            self.__dict__["_names"] = cached
        return cached


def _runs_as_script(text: str) -> bool:
    # The substring test first: the regular expression costs more than all the rest.
    return ("__main__" in text or "uvicorn.run(" in text) and ENTRY_GUARD.search(text) is not None


def _imported(text: str) -> Iterator[str]:
    if "import" not in text:
        return
    for match in _IMPORTED.finditer(text):
        yield match.group(1) or match.group(2)


# -------------------------------------------------------------------- configuration readers


def _ini_get(text: str, section: str, key: str) -> str:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return ""
    return parser.get(section, key, fallback="").strip()


def _toml_get(text: str, *keys: str) -> object:
    from fixup.config import parse_toml

    try:
        data: object = parse_toml(text)
    except ValueError:
        return None
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _setup_cfg_roots(text: str) -> list[str]:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    found = [parser.get("options.packages.find", "where", fallback="").strip()]
    for line in parser.get("options", "package_dir", fallback="").splitlines():
        name, _, folder = line.partition("=")
        if not name.strip() and folder.strip():
            found.append(folder.strip())
    return [normalise_dir(f) for f in found if f]


def _pyproject_toml_roots(text: str) -> list[str]:
    tool = _toml_get(text, "tool")
    if not isinstance(tool, dict):
        return []
    found: list[str] = []
    setuptools = tool.get("setuptools", {})
    if isinstance(setuptools, dict):
        package_dir = setuptools.get("package-dir", {})
        if isinstance(package_dir, dict) and isinstance(package_dir.get(""), str):
            found.append(package_dir[""])
        find = setuptools.get("packages", {})
        if isinstance(find, dict):
            where = find.get("find", {}).get("where", [])
            found.extend(w for w in where if isinstance(w, str))
    hatch = tool.get("hatch", {})
    wheel = (
        hatch.get("build", {}).get("targets", {}).get("wheel", {})
        if isinstance(hatch, dict)
        else {}
    )
    for package in wheel.get("packages", []) if isinstance(wheel, dict) else []:
        if isinstance(package, str):
            found.append(str(PurePosixPath(package).parent))
    poetry = tool.get("poetry", {})
    for package in poetry.get("packages", []) if isinstance(poetry, dict) else []:
        if isinstance(package, dict) and isinstance(package.get("from"), str):
            found.append(package["from"])
    return list(dict.fromkeys(normalise_dir(f) for f in found))

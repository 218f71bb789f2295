"""``fixup doctor``: import every module of the project, before and after the pending fixes.

The check runs in the project's own interpreter (``--python``, else ``$VIRTUAL_ENV``'s, else
``python3`` on PATH), on a temporary copy of the project, so that nothing a module does at
import time can touch the user's files (``fixup.sandbox``). For each import root, one *probe*
process (``fixup/probe.py``) starts with that root as its working folder and ``sys.path[0]``
(every other import root follows it on ``sys.path``),
imports the heavy third-party libraries the stack uses once, then forks one child per module
(one fresh process per module where ``fork`` is missing). A child imports its module and
reports what happened; a child that hangs is stopped after ``timeout`` seconds (with the stack
it hung in), one that calls ``sys.exit``/``os._exit`` or crashes is reported as such. Then
one last child imports every model module together and calls SQLAlchemy's
``configure_mappers()``, which is where duplicate tables and broken relationships show.

A module that imports before the fixes and fails after them is "newly failing": the fixes
are bisected (as ``--verify`` does) to name the fix that breaks it. The interpreter must
satisfy the project's ``requires-python``; a missing dependency is summarised once, not per
module.

Every failure is classified (relative import beyond the top-level package, a name missing
from a project module, a dependency that is not installed, SQLAlchemy table and mapper errors,
Pydantic class-definition errors, ``NameError``, circular imports, ...), located (the
innermost frame in the project's own files) and mapped to the fixer that repairs it.

Exit status of ``fixup doctor``: 0 when every module imports after the pending fixes, 1
when some module still fails (a missing dependency, a timeout and an exit count as failures),
2 for a usage error (no interpreter found, bad path), 123 for an internal error.
"""

from __future__ import annotations

import ast
import json
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TextIO

from fixup.config import ConfigError, find_pyproject, load_config
from fixup.fix import Fix
from fixup.fixers import all_fixers, check_fixer_options, select_fixers
from fixup.pipeline import run
from fixup.project import ConflictError, Project
from fixup.sandbox import (
    Interpreter,
    InterpreterError,
    find_interpreter,
    install_probe,
    run_in_session,
    scratch_copy,
    scratch_env,
    write_job,
)

#: Seconds one module may take to import.
DEFAULT_TIMEOUT = 30.0

#: Libraries the probe imports once before forking, so each module's child starts with them
#: loaded: these first, then every other library the project imports (never a name the
#: project has a module of, each within the time limit; one that fails is left to the child).
PRELOAD = (
    "sqlalchemy", "sqlalchemy.orm", "pydantic", "fastapi", "starlette",
)  # fmt: skip

#: Libraries not safe to import before ``fork`` (their threads or device state break children).
_FORK_UNSAFE = frozenset({"grpc", "tensorflow", "torch", "jax", "ray"})

#: Text that marks a file holding SQLAlchemy models (imported together before configure_mappers).
_MODEL_MARKERS = (
    "__tablename__", "declarative_base", "DeclarativeBase", "mapped_column", "relationship(",
    "table=True", "registry(",
)  # fmt: skip

#: The pseudo-module row for ``configure_mappers()`` (one per import root that has models;
#: the root is named when there are several: ``configure_mappers() [backend/]``).
MAPPERS = "configure_mappers()"


def is_mappers_key(key: str) -> bool:
    return key.startswith(MAPPERS)


#: Which fixer repairs which kind of failure (shown only when that fixer is installed).
_FIXER_FOR_KIND = {
    "relative-import": "relative-imports",
    "missing-name": "deleted-classes",
    "moved-name": "moved-modules",
    "module-not-found": "moved-modules",
    "table-already-defined": "duplicate-models",
    "multiple-classes": "duplicate-models",
    "reserved-attribute": "reserved-attributes",
    "unexpected-keyword": "stale-keywords",
    "unresolved-relationship": "model-registry",
}


def check_requires_python(interpreter: Interpreter, path: Path) -> str | None:
    """The project's ``requires-python`` (from the nearest ``pyproject.toml`` with a
    ``[project]`` table, from ``path`` up to the git repository's top), or None.

    Raises InterpreterError, naming the interpreter, when its version does not satisfy it.
    """
    found = find_pyproject(path, lambda data: "project" in data)
    if found is None:
        return None
    pyproject, data = found
    spec = data["project"].get("requires-python") if isinstance(data["project"], dict) else None
    if not isinstance(spec, str) or not spec.strip():
        return None
    failed = unsatisfied(interpreter.version, spec)
    if failed is not None:
        have = tuple(int(part) for part in interpreter.version.split("."))
        want = tuple(int(part) for part in re.findall(r"\d+", failed))
        age = (
            "a version it excludes"
            if failed.startswith("!=")
            else "too old"
            if have[: len(want)] < want
            else "too new"
        )
        raise InterpreterError(
            f"{interpreter.path} ({interpreter.source}) is Python {interpreter.version}, {age} "
            f"for this project: {pyproject} has requires-python = {spec!r}; pass --python "
            "with an interpreter that fits (or activate the project's virtualenv)"
        )
    return spec


_CLAUSE = re.compile(r"^\s*(~=|===|==|!=|<=|>=|<|>)\s*([0-9][0-9.]*)(\.\*)?\s*$")


def unsatisfied(version: str, spec: str) -> str | None:
    """The first clause of a ``requires-python`` specifier (PEP 440: ``>=3.10,<4``,
    ``~=3.11``, ``==3.12.*``, ``!=3.11.1``) that ``version`` ("3.11.4") fails, or None when
    it satisfies them all. A clause fixup cannot read is not held against the interpreter."""
    have = tuple(int(part) for part in version.split("."))
    for clause in spec.split(","):
        match = _CLAUSE.match(clause)
        if match is None:
            continue
        op, number, wildcard = match.group(1), match.group(2).rstrip("."), match.group(3)
        want = tuple(int(part) for part in number.split("."))
        if wildcard or op == "~=":
            prefix = want if wildcard else want[:-1]
            in_prefix = have[: len(prefix)] == prefix
            ok = {
                "==": in_prefix, "!=": not in_prefix, "~=": in_prefix and _pad(have, want) >= want,
            }.get(op, True)  # fmt: skip
        else:
            size = max(len(have), len(want))
            a, b = _pad(have, want, size), _pad(want, have, size)
            ok = {
                "==": a == b, "===": a == b, "!=": a != b,
                "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b,
            }[op]  # fmt: skip
        if not ok:
            return clause.strip()
    return None


def _pad(
    version: tuple[int, ...], other: tuple[int, ...], size: int | None = None
) -> tuple[int, ...]:
    size = size if size is not None else max(len(version), len(other))
    return version + (0,) * (size - len(version))


# ---------------------------------------------------------------------------- what to import


@dataclass(frozen=True)
class Target:
    """One module to import: its file, dotted name and import root."""

    #: The project-relative file (the row's key), or ``configure_mappers()`` for that check.
    key: str
    module: str
    root: str
    #: Why it counts as an app entry point (None for an ordinary module).
    entry: str | None = None
    #: True for a module that defines SQLAlchemy models.
    models: bool = False
    #: For an alembic ``env.py``: the lines of the module-level imports to run (the rest of
    #: the file only works inside alembic); None for an ordinary module, which is imported.
    import_lines: tuple[int, ...] | None = None


def collect_targets(project: Project, entries: Sequence[str] = ()) -> list[Target]:
    """Every importable module of the project, entry points first.

    Left out: stubs, ``__main__.py`` and ``setup.py`` (they run on import), and alembic's
    migration folder (``env.py`` only runs inside alembic; the project modules it imports are
    checked as entry points instead).
    """
    alembic_dirs, alembic_imports = _alembic(project)
    entry_reason: dict[str, str] = {}
    for path in project.python_files():
        if PurePosixPath(path).name in ("main.py", "dev_server.py"):
            entry_reason[path] = "app entry point"
    for path, env_py in alembic_imports.items():
        if path != env_py:
            entry_reason.setdefault(path, f"imported by {env_py}")
    for given in entries:
        entry_reason[_resolve_entry(project, given)] = "--entry"

    chosen: dict[tuple[str, str], str] = {}
    for path in sorted(project.python_files()):
        name = project.module_name(path)
        root = project.import_root(path)
        pure = PurePosixPath(path)
        if name is None or root is None or path.endswith(".pyi") or pure.name == "__main__.py":
            continue
        if path == "setup.py" or path in alembic_imports.values():
            continue
        if any(path.startswith(folder + "/") for folder in alembic_dirs):
            continue
        # A package beats a module of the same name, as in Python's own finder.
        if (root, name) not in chosen or project.is_package(path):
            chosen[(root, name)] = path
    targets = [
        Target(
            key=path,
            module=name,
            root=root,
            entry=entry_reason.get(path),
            models=any(marker in project.files[path] for marker in _MODEL_MARKERS),
        )
        for (root, name), path in chosen.items()
    ]
    targets += [_env_target(project, path) for path in sorted(set(alembic_imports.values()))]
    return sorted(targets, key=lambda t: (t.entry is None, t.module, t.key))


def _env_target(project: Project, path: str) -> Target:
    """An alembic ``env.py``: its module-level imports (but alembic's own) are what it needs."""
    lines: list[int] = []
    with suppress(SyntaxError):
        for node in ast.parse(project.files[path]).body:
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else ["."]
            else:
                continue
            if any(name.split(".")[0] != "alembic" for name in names):
                lines.append(node.lineno)
    return Target(
        key=path,
        module=project.module_name(path) or "env",
        root=_alembic_root(project, path),
        entry="alembic env.py (its imports)",
        import_lines=tuple(lines),
    )


def _alembic_root(project: Project, env_py: str) -> str:
    """Where alembic runs env.py from: the folder of ``alembic.ini`` (its ``prepend_sys_path``
    is ``.`` by default), looked for upwards from env.py; else the folder above env.py's."""
    folder = PurePosixPath(env_py).parent
    for candidate in (folder, *folder.parents):
        if (project.root / candidate / "alembic.ini").is_file():
            return "" if str(candidate) == "." else candidate.as_posix()
    parent = folder.parent.as_posix()
    return "" if parent == "." else parent


def _resolve_entry(project: Project, given: str) -> str:
    """``--entry`` as a file (``backend/dev_server.py``) or a module (``app.main``, ``app.main:app``)."""
    as_path = PurePosixPath(given.replace("\\", "/")).as_posix()
    if as_path in project.files:
        return as_path
    module = given.partition(":")[0]
    path = project.resolve(module)
    if path is None:
        raise ConfigError(f"--entry {given}: not a module or file of the project")
    return path


def _alembic(project: Project) -> tuple[set[str], dict[str, str]]:
    """Alembic migration folders, and the project modules their ``env.py`` imports (module
    file -> env.py; every env.py is a value, mapped from itself when it imports nothing)."""
    folders: set[str] = set()
    imports: dict[str, str] = {}
    for path in project.files_containing("alembic", "target_metadata"):
        text = project.files[path]
        if PurePosixPath(path).name != "env.py" or not (
            "target_metadata" in text or "from alembic" in text
        ):
            continue
        folder = PurePosixPath(path).parent.as_posix()
        folders.add("" if folder == "." else folder)
        imports[path] = path
        try:
            tree = ast.parse(project.files[path])
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                # ``from app import models`` may import the module app.models.
                names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
            for name in names:
                target = project.resolve(name)
                if target is not None and target != path and not target.startswith(folder + "/"):
                    imports.setdefault(target, path)
                    break
    if "" in folders:  # env.py at the project root: only env.py itself is alembic's
        folders.discard("")
    return folders, imports


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Failure:
    """Why one module does not import."""

    #: A stable identifier: relative-import, missing-name (defined nowhere), moved-name (defined
    #: in another module), module-not-found (a project module), dependency-missing,
    #: circular-import, table-already-defined, multiple-classes, reserved-attribute (a model
    #: attribute named ``metadata`` or ``registry``), unresolved-relationship (a class a
    #: relationship names was never imported), mapper-configuration,
    #: sqlalchemy, pydantic, name-error, syntax-error, exit, timeout, crash, not-checked, error.
    kind: str
    #: One line for the table, e.g. "dependency missing: jose".
    summary: str
    #: The exception as Python printed it (or what happened to the process).
    message: str
    path: str | None = None
    line: int | None = None
    #: The fixer that repairs it, when one is installed.
    fixer: str | None = None
    #: The traceback, the stack a hung module was in, or the module's output (for -v).
    detail: str = ""
    #: True when it only fails imported together with the other model modules.
    together: bool = False

    @property
    def location(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}"
        return self.path or ""


@dataclass(frozen=True)
class ImportCheck:
    """The outcome of importing a project's modules: target key -> failure, or None when it imports."""

    targets: tuple[Target, ...]
    results: Mapping[str, Failure | None]

    @property
    def failures(self) -> dict[str, Failure]:
        return {key: f for key, f in self.results.items() if f is not None}

    def failed_modules(self) -> int:
        return sum(1 for key in self.failures if not is_mappers_key(key))


def check_imports(
    project: Project,
    tree: Path,
    interpreter: Interpreter,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    entries: Sequence[str] = (),
    fork: bool = True,
    renamed_away: frozenset[str] = frozenset(),
) -> ImportCheck:
    """Import every module of ``project``, whose files are on disk at ``tree`` (a scratch copy).
    ``renamed_away``: former project packages (a fix's ``renamed_away``), whose imports fail
    as the project's own, not as a missing dependency."""
    tree = tree.resolve()
    targets = collect_targets(project, entries)
    by_root: dict[str, list[Target]] = {}
    for target in targets:
        by_root.setdefault(target.root, []).append(target)
    project_names = {name.split(".")[0] for name in project.modules()}
    imported = _imported_top_level_names(project)
    candidates = [n for n in PRELOAD if n.split(".")[0] in imported] + sorted(imported)
    preload = [
        name for name in dict.fromkeys(candidates)
        if name.split(".")[0] not in project_names | _FORK_UNSAFE
    ]  # fmt: skip
    results: dict[str, Failure | None] = {}
    all_targets = list(targets)
    registered = {fixer.name for fixer in all_fixers()}
    with tempfile.TemporaryDirectory(prefix="fixup-probe-") as work_dir:
        work = Path(work_dir)
        probe = install_probe(work)
        roots_with_models = sorted({t.root for t in targets if t.models})
        for index, (root, root_targets) in enumerate(sorted(by_root.items())):
            mappers = None
            if root in roots_with_models:
                key = MAPPERS if len(roots_with_models) == 1 else f"{MAPPERS} [{root or '.'}/]"
                mappers = Target(key=key, module=key, root=root)
            records = _run_probe(
                interpreter,
                probe,
                work / f"root{index}",
                tree,
                project,
                root,
                root_targets,
                mappers,
                preload,
                timeout,
                fork,
            )
            for target in root_targets + ([mappers] if mappers else []):
                record = records.get(target.key)
                results[target.key] = _classify(
                    record, target, project, tree, timeout, registered, renamed_away
                )
            if mappers is not None and records.get(mappers.key, {}).get("status") != "skipped":
                all_targets.append(mappers)
            elif mappers is not None:
                results.pop(mappers.key, None)
    return ImportCheck(tuple(all_targets), results)


_IMPORT_LINE = re.compile(r"^[ \t]*(?:from|import)[ \t]+([A-Za-z_]\w*)", re.M)


def _imported_top_level_names(project: Project) -> set[str]:
    """Top-level names the project imports somewhere (a cheap text scan, for preloading only)."""
    return {
        match.group(1) for text in project.files.values() for match in _IMPORT_LINE.finditer(text)
    }


def _run_probe(
    interpreter: Interpreter,
    probe: Path,
    work: Path,
    tree: Path,
    project: Project,
    root: str,
    targets: list[Target],
    mappers: Target | None,
    preload: list[str],
    timeout: float,
    fork: bool,
) -> dict[str, dict[str, Any]]:
    work.mkdir()
    root_dir = tree / root if root else tree
    job = {
        "root": str(root_dir),
        # Every import root, after the probe's own: a module that imports across roots is
        # checked for what it does, not for how the roots were found.
        "paths": [str(tree / r) if r else str(tree) for r in project.roots.paths if r != root],
        "project": str(tree),
        "work": str(work),
        "results": str(work / "results.jsonl"),
        "timeout": timeout,
        "fork": fork,
        "jobs": _jobs(),
        "preload": preload,
        "targets": [
            {
                "key": t.key,
                "module": t.module,
                "file": str(tree / t.key),
                "lines": t.import_lines,
            }
            for t in targets
        ],
        "models": [i for i, t in enumerate(targets) if t.models],
        "mappers": mappers is not None,
        "mappers_key": mappers.key if mappers is not None else MAPPERS,
    }
    job_path = write_job(work, job)
    # The probe stops each module itself; this bound only catches a probe that is stuck.
    overall = timeout * (len(targets) * 1.5 + 3) + 60
    # What it reported before a time-out counts; the rest is "not checked".
    run_in_session(
        [interpreter.path, str(probe), "run", str(job_path)],
        cwd=root_dir,
        env=scratch_env(tree, project),
        timeout=overall,
    )
    records: dict[str, dict[str, Any]] = {}
    results = work / "results.jsonl"
    if results.is_file():
        for line in results.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            # A module that imports alone but fails with the other model modules: the failure counts.
            known = records.get(record["key"])
            if known is None or (known.get("status") == "ok" and record.get("status") != "ok"):
                records[record["key"]] = record
    return records


# ---------------------------------------------------------------------------- classification

_CANNOT_IMPORT = re.compile(r"cannot import name '([^']+)' from '([^']+)'")
_TYPE_SHORT = re.compile(r"[^.]+$")


def _classify(
    record: dict[str, Any] | None,
    target: Target,
    project: Project,
    tree: Path,
    timeout: float,
    registered: set[str],
    renamed_away: frozenset[str] = frozenset(),
) -> Failure | None:
    if record is None:
        return Failure("not-checked", "not checked: the probe stopped before this module", "")
    status = record.get("status")
    if status in ("ok", "skipped"):
        return None
    path, line = _location(record, tree)
    output = str(record.get("output") or "")
    if status == "timeout":
        where = f" (in {path}:{line})" if path and line else ""
        return Failure(
            "timeout",
            f"timeout: still importing after {timeout:g}s{where}",
            f"importing {target.module} took longer than {timeout:g}s",
            path,
            line,
            detail=str(record.get("stack") or "") + output,
        )
    if status == "crash":
        signal_number = record.get("signal")
        return Failure(
            "crash",
            f"crashed: killed by signal {signal_number}",
            f"the interpreter died with signal {signal_number} while importing {target.module}",
            path,
            line,
            detail=output,
        )
    if status == "exit":
        how = record.get("how") or f"exit code {record.get('code')}"
        return Failure(
            "exit",
            f"exited the process: {how}",
            f"importing {target.module} ended the process ({how})",
            path,
            line,
            detail=str(record.get("traceback") or "") + output,
        )

    types: list[str] = record.get("types") or []
    type_name = _TYPE_SHORT.search(types[0]).group(0) if types else "Exception"  # type: ignore[union-attr]
    message = str(record.get("message") or "")
    first_line = message.strip().splitlines()[0] if message.strip() else ""
    full = f"{type_name}: {message}" if message else type_name
    together = bool(record.get("together"))
    kind, summary = "error", f"{type_name}: {first_line}"

    def is_a(qualified: str) -> bool:
        return qualified in types

    if is_a("builtins.SyntaxError"):
        kind = "syntax-error"
    elif "relative import" in message and is_a("builtins.ImportError"):
        kind, summary = "relative-import", first_line
    elif "partially initialized module" in message or "circular import" in message:
        kind, summary = "circular-import", f"circular import: {first_line}"
    elif is_a("builtins.ModuleNotFoundError"):
        name = str(record.get("name") or "")
        top = name.split(".")[0]
        if top and not _is_project_name(project, top) and top not in renamed_away:
            kind, summary = "dependency-missing", f"dependency missing: {top}"
        else:
            kind = "module-not-found"
    elif is_a("builtins.ImportError"):
        match = _CANNOT_IMPORT.search(message)
        if match and project.module_exists(match.group(2)):
            # Defined in another module: it moved; defined nowhere: it was deleted.
            elsewhere = _defined_elsewhere(project, match.group(1), match.group(2))
            kind = "moved-name" if elsewhere else "missing-name"
    elif any(t.startswith("sqlalchemy.") for t in types):
        if "is already defined for this MetaData instance" in message:
            kind = "table-already-defined"
        elif "Multiple classes found for path" in message:
            kind = "multiple-classes"
        elif re.search(r"Attribute name '\w+' (?:is|should be left) reserved", message):
            kind = "reserved-attribute"
        elif "failed to locate a name" in message and not is_mappers_key(target.key):
            # relationship("Task") where the module never imported Task's: a registry misses
            # it (with every model module imported together, the class exists nowhere).
            kind = "unresolved-relationship"
        elif is_mappers_key(target.key):
            kind = "mapper-configuration"
        else:
            kind = "sqlalchemy"
    elif any(t.startswith(("pydantic.", "pydantic_core.")) for t in types):
        kind = "pydantic"
    elif is_a("builtins.NameError"):
        kind = "name-error"
    elif is_a("builtins.TypeError") and "got an unexpected keyword argument" in message:
        kind = "unexpected-keyword"
    if is_mappers_key(target.key) and kind in ("error", "sqlalchemy"):
        kind = "mapper-configuration"
    if together:
        summary += " (imported with the other model modules)"
    fixer = _FIXER_FOR_KIND.get(kind)
    return Failure(
        kind,
        summary,
        full,
        path,
        line,
        fixer=fixer if fixer in registered else None,
        detail=str(record.get("traceback") or "") + output,
        together=together,
    )


def _defined_elsewhere(project: Project, name: str, module: str) -> bool:
    """True when a project module other than ``module`` defines ``name`` at module level (one
    that can be imported: not a file a module of the same name shadows)."""
    definition = re.compile(
        rf"^(?:class|def|async[ \t]+def)[ \t]+{re.escape(name)}\b|^{re.escape(name)}[ \t]*[:=]",
        re.M,
    )
    own = project.resolve(module)

    def importable(path: str) -> bool:
        dotted = project.module_name(path)
        return dotted is not None and project.resolve(dotted) == path

    return any(
        path != own and definition.search(project.files[path]) and importable(path)
        for path in project.files_containing(name)
    )


def _is_project_name(project: Project, top: str) -> bool:
    if project.module_exists(top):
        return True
    # A folder of the project that is no package (yet) counts as the project's own name.
    return any(PurePosixPath(p).parts[0] == top for p in project.files if "/" in p)


def _location(record: Mapping[str, Any], tree: Path) -> tuple[str | None, int | None]:
    """The innermost frame in the project's own files, as (project-relative path, line)."""
    frames: list[list[Any]] = list(record.get("frames") or [])
    for filename, line in reversed(frames):
        if not isinstance(filename, str):
            continue
        try:
            rel = Path(filename).resolve().relative_to(tree)
        except (ValueError, OSError):
            continue
        return rel.as_posix(), int(line) if line else None
    return None, None


# ---------------------------------------------------------------------------- the doctor's report


@dataclass(frozen=True)
class Row:
    """One line of the table: a module, its status before and after the fixes."""

    key: str
    module: str
    entry: str | None
    before: Failure | None
    after: Failure | None
    #: False when the module does not exist on that side (created or removed by the fixes).
    in_before: bool = True
    in_after: bool = True
    #: For a module that imported before the fixes and fails after them: the fix that breaks
    #: it (found by bisection over the fixes), when it could be found.
    caused_by: Fix | None = None

    @property
    def changed(self) -> bool:
        return (
            (self.before is not None)
            or (self.after is not None)
            or not (self.in_before and self.in_after)
        )

    @property
    def newly_failing(self) -> bool:
        """It imported before the fixes and fails after them: the fixes broke it."""
        return self.in_before and self.before is None and self.after is not None

    @property
    def only_missing_dependencies(self) -> bool:
        """Every failure it has is a dependency that is not installed (summarised once)."""
        failures = [f for f in (self.before, self.after) if f is not None]
        return bool(failures) and all(f.kind == "dependency-missing" for f in failures)


@dataclass(frozen=True)
class DoctorReport:
    """Import statuses before and after the pending fixes."""

    interpreter: Interpreter
    timeout: float
    before: ImportCheck
    after: ImportCheck
    #: How many fixes were applied for the "after" column.
    fixes: int
    rows: tuple[Row, ...] = field(default=())
    #: The import roots, every one of them on the probe's ``sys.path`` (its own root first).
    roots: tuple[str, ...] = ()
    #: The project's ``requires-python``, when it declares one.
    requires_python: str | None = None

    @property
    def ok(self) -> bool:
        """True when every module imports after the fixes (the exit status is 0)."""
        return not self.after.failures

    @property
    def newly_failing(self) -> list[Row]:
        return [row for row in self.rows if row.newly_failing]

    @property
    def headline(self) -> str:
        before, after = self.before.failed_modules(), self.after.failed_modules()
        text = f"{before} module{'s' * (before != 1)} failed to import -> {after}"
        mapper_before = any(is_mappers_key(key) for key in self.before.failures)
        mapper_after = any(is_mappers_key(key) for key in self.after.failures)
        if mapper_before or mapper_after:
            text += f"; configure_mappers() {'failed' if mapper_before else 'ok'} -> {'failed' if mapper_after else 'ok'}"
        newly = len(self.newly_failing)
        if newly:
            text += f"; {newly} newly failing after the fixes"
        return text

    def missing_dependencies(self) -> dict[str, list[str]]:
        """Each missing top-level package -> the modules that need it (before or after)."""
        needed: dict[str, set[str]] = {}
        for check in (self.before, self.after):
            for key, failure in check.failures.items():
                if failure.kind == "dependency-missing":
                    package = failure.summary.rpartition(": ")[2]
                    needed.setdefault(package, set()).add(key)
        return {
            package: sorted(keys)
            for package, keys in sorted(needed.items(), key=lambda item: (-len(item[1]), item[0]))
        }


def build_rows(
    before: ImportCheck, after: ImportCheck, causes: Mapping[str, Fix] | None = None
) -> tuple[Row, ...]:
    targets: dict[str, Target] = {}
    for target in (*before.targets, *after.targets):
        targets.setdefault(target.key, target)
    rows = [
        Row(
            key=key,
            module=target.module,
            entry=target.entry,
            before=before.results.get(key),
            after=after.results.get(key),
            in_before=key in before.results,
            in_after=key in after.results,
            caused_by=(causes or {}).get(key),
        )
        for key, target in targets.items()
    ]
    return tuple(
        sorted(rows, key=lambda r: (is_mappers_key(r.key), r.entry is None, r.module, r.key))
    )


def diagnose(
    before: Project,
    after: Project,
    interpreter: Interpreter,
    *,
    fixes: int,
    timeout: float = DEFAULT_TIMEOUT,
    entries: Sequence[str] = (),
    applied: Sequence[Fix] = (),
    requires_python: str | None = None,
    say: Callable[[str], None] = lambda message: None,
) -> DoctorReport:
    """Import the project as it is and as the fixes leave it, each from its own scratch copy.

    A module that imports before the fixes and fails after them is attributed to the fix in
    ``applied`` (the fixes, in order) that breaks it, found by bisection as ``--verify`` does.
    """
    with scratch_copy(before) as tree:
        checked_before = check_imports(
            before,
            tree,
            interpreter,
            timeout=timeout,
            entries=entries,
            renamed_away=frozenset().union(*(fix.renamed_away for fix in applied)),
        )
    with scratch_copy(after, before) as tree:
        checked_after = check_imports(
            after, tree, interpreter, timeout=timeout, entries=_surviving(after, entries)
        )
    rows = build_rows(checked_before, checked_after)
    regressed = {row.key for row in rows if row.newly_failing}
    if regressed and applied:

        def failing_with(project: Project) -> frozenset[str]:
            with scratch_copy(project, before) as tree:
                checked = check_imports(
                    project, tree, interpreter, timeout=timeout,
                    entries=_surviving(project, entries),
                )  # fmt: skip
            return frozenset(checked.failures)

        causes = find_causes(before, applied, regressed, failing_with, say)
        rows = build_rows(checked_before, checked_after, causes)
    return DoctorReport(
        interpreter,
        timeout,
        checked_before,
        checked_after,
        fixes,
        rows,
        roots=before.roots.paths,
        requires_python=requires_python,
    )


def find_causes(
    before: Project,
    fixes: Sequence[Fix],
    regressed: set[str],
    failing_with: Callable[[Project], frozenset[str]],
    say: Callable[[str], None] = lambda message: None,
) -> dict[str, Fix]:
    """For each key in ``regressed`` (it passes without the fixes and fails with all of them),
    the fix that breaks it: the fixes apply in order, so "the first *k* fixes" is a version of
    the project, and a binary search over *k* finds the first version it fails in. The
    versions checked are shared between the keys."""
    checked: dict[int, frozenset[str]] = {0: frozenset(), len(fixes): frozenset(regressed)}

    def failing(count: int) -> frozenset[str]:
        if count not in checked:
            say(f"bisecting: importing with the first {count} of {len(fixes)} fixes")
            project = before
            for fix in fixes[:count]:
                with suppress(ConflictError):
                    project = project.apply(fix)
            checked[count] = failing_with(project) & regressed
        return checked[count]

    causes = {}
    for key in sorted(regressed):
        # Invariant: it imports with the first ``low`` fixes and fails with the first ``high``.
        low, high = 0, len(fixes)
        for count, keys in checked.items():
            if key in keys:
                high = min(high, count)
            elif count < high:
                low = max(low, count)
        while high - low > 1:
            middle = (low + high) // 2
            if key in failing(middle):
                high = middle
            else:
                low = middle
        causes[key] = fixes[high - 1]
    return causes


def _surviving(project: Project, entries: Sequence[str]) -> list[str]:
    """The ``--entry`` values that still exist once the fixes ran (a fix may delete a file)."""
    kept = []
    for entry in entries:
        try:
            _resolve_entry(project, entry)
        except ConfigError:
            continue
        kept.append(entry)
    return kept


def status_text(failure: Failure | None, present: bool) -> str:
    if not present:
        return "-"
    if failure is None:
        return "ok"
    return failure.summary


def print_doctor(report: DoctorReport, out: TextIO, *, verbose: bool = False) -> None:
    """The table (failing modules and entry points, each with its path; every module with
    ``verbose``); the failures before the fixes, those the fixes cause (with the fix that
    causes each) and those still failing, with file, line and what repairs them; the missing
    dependencies, once; and the headline."""
    rows = [
        r
        for r in report.rows
        if verbose or r.entry or (r.changed and not (r.only_missing_dependencies and r.in_after))
    ]
    hidden = [r for r in report.rows if r not in rows]
    missing = report.missing_dependencies()

    def name(row: Row) -> str:
        label = row.module if is_mappers_key(row.key) else f"{row.module} ({row.key})"
        if row.entry:
            label += " (entry)"
        if not row.in_before:
            label += " (new)"
        elif not row.in_after:
            label += " (removed)"
        return label

    width = min(max([len(name(r)) for r in rows] + [6]), 72)
    status_width = 60

    def cell(text: str) -> str:
        return text if len(text) <= status_width else text[: status_width - 3] + "..."

    out.write(f"{'module (path)':<{width}}  {'before':<{status_width}}  after\n")
    for row in rows:
        before = cell(status_text(row.before, row.in_before))
        after = cell(status_text(row.after, row.in_after))
        out.write(f"{name(row):<{width}}  {before:<{status_width}}  {after}\n")
    if hidden:
        only_missing = sum(1 for r in hidden if r.only_missing_dependencies)
        fine = len(hidden) - only_missing
        parts = [f"{fine} more module{'s' * (fine != 1)} import before and after"] if fine else []
        if only_missing:
            parts.append(
                f"{only_missing} more fail{'s' * (only_missing == 1)} only for a missing dependency"
            )
        out.write(f"({'; '.join(parts)}; -v lists them)\n")

    def section(title: str, failing: list[tuple[Row, Failure, str]]) -> None:
        if not failing:
            return
        out.write(f"\n{title}:\n")
        for row, failure, repair in failing:
            out.write(
                f"  {failure.location or row.key}: {row.module}: {_headline_of(failure)} [{repair}]\n"
            )
            if verbose and failure.detail.strip():
                for line in failure.detail.rstrip().splitlines()[-20:]:
                    out.write(f"    | {line}\n")

    def shown(failure: Failure) -> bool:
        return failure.kind != "dependency-missing"

    section(
        "Before the fixes",
        [(r, r.before, repair_hint(r.before)) for r in report.rows if r.before and shown(r.before)],
    )
    newly = report.newly_failing
    section(
        f"Newly failing after the fixes: {len(newly)}",
        [(r, r.after, caused_by(r)) for r in newly if r.after is not None],
    )
    section(
        "Still failing after the fixes",
        [
            (r, r.after, repair_hint(r.after))
            for r in report.rows
            if r.after and not r.newly_failing and shown(r.after)
        ],
    )
    if missing:
        needs = ", ".join(
            f"{len(keys)} module{'s' * (len(keys) != 1)} need{'s' * (len(keys) == 1)} {package}"
            for package, keys in missing.items()
        )
        out.write(
            f"\nMissing dependencies: install the app's requirements in python "
            f"{report.interpreter.version}'s environment ({report.interpreter.path}): {needs}\n"
        )
    roots = ", ".join(f"{root or '.'}/" for root in report.roots)
    out.write(f"\nImport roots, all on sys.path: {roots}\n")
    pending = f"{report.fixes} fix{'es' * (report.fixes != 1)} pending"
    out.write(
        f"\n{report.headline} ({pending}; python {report.interpreter.version} at {report.interpreter.path})\n"
    )


def caused_by(row: Row) -> str:
    """The fix that makes a module fail that imported before, for the report."""
    if row.caused_by is None:
        return "caused by the fixes"
    return f"caused by [{row.caused_by.fixer}] {row.caused_by.title}"


def repair_hint(failure: Failure) -> str:
    """What repairs it: a fixer, the user (a missing dependency), or nothing yet."""
    if failure.fixer:
        return f"fixer: {failure.fixer}"
    if failure.kind == "dependency-missing":
        return f"install {failure.summary.rpartition(': ')[2]} in the project's environment"
    return "no fixer yet"


def _headline_of(failure: Failure) -> str:
    """The exception's first line; for what is not an exception (an exit, a timeout), the summary."""
    first = failure.message.strip().splitlines()[0] if failure.message.strip() else ""
    if (
        failure.kind in ("dependency-missing", "timeout", "exit", "crash", "not-checked")
        or not first
    ):
        return failure.summary
    return first + (" (imported with the other model modules)" if failure.together else "")


def doctor_json(report: DoctorReport) -> dict[str, Any]:
    def failure(f: Failure | None) -> dict[str, Any] | None:
        if f is None:
            return None
        return {
            "kind": f.kind, "summary": f.summary, "message": f.message, "path": f.path,
            "line": f.line, "fixer": f.fixer, "together": f.together,
        }  # fmt: skip

    return {
        "schema": 1,
        "python": {
            "path": report.interpreter.path,
            "version": report.interpreter.version,
            "source": report.interpreter.source,
            "requires_python": report.requires_python,
        },
        "roots": list(report.roots),
        "timeout": report.timeout,
        "fixes": report.fixes,
        "modules": [
            {
                "module": row.module,
                "path": None if is_mappers_key(row.key) else row.key,
                "entry": row.entry,
                "before": failure(row.before) if row.in_before else None,
                "after": failure(row.after) if row.in_after else None,
                "ok_before": row.in_before and row.before is None,
                "ok_after": row.in_after and row.after is None,
                "newly_failing": row.newly_failing,
                "caused_by": (
                    {"fixer": row.caused_by.fixer, "title": row.caused_by.title}
                    if row.caused_by is not None
                    else None
                ),
            }
            for row in report.rows
        ],
        "missing_dependencies": report.missing_dependencies(),
        "summary": {
            "failed_before": report.before.failed_modules(),
            "failed_after": report.after.failed_modules(),
            "newly_failing": len(report.newly_failing),
            "headline": report.headline,
            "ok": report.ok,
        },
    }


def run_doctor(
    path: Path,
    *,
    python: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    entries: Sequence[str] = (),
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    exclude: Sequence[str] = (),
    unsafe_fixes: bool | None = None,
    config_file: Path | None = None,
    use_cache: bool = True,
    output_format: str = "text",
    verbose: bool = False,
    out: TextIO,
    say: Callable[[str], None] = lambda message: None,
) -> int:
    """``fixup doctor PATH``: 0 when every module imports after the pending fixes, else 1.

    Raises ConfigError (the CLI's status 2) for a bad path, configuration or interpreter.
    """
    if not path.is_dir():
        raise ConfigError(f"{path}: no such folder")
    interpreter = find_interpreter(python)
    requires_python = check_requires_python(interpreter, path)
    config = load_config(path, config_file).with_flags(select, ignore, exclude, unsafe_fixes)
    check_fixer_options(config)
    fixers = select_fixers(config.select, config.ignore, config.options)
    for fixer in fixers:
        fixer.resolve_options(config)  # validate before any work
    project = Project.load(path, config)
    for entry in entries:
        _resolve_entry(project, entry)
    report = run(project, fixers, config, use_cache=use_cache)
    say(
        f"importing the project's modules with python {interpreter.version} ({interpreter.source}: "
        f"{interpreter.path}), before and after {len(report.fixes)} pending fix{'es' * (len(report.fixes) != 1)}"
    )
    result = diagnose(
        report.before, report.after, interpreter,
        fixes=len(report.fixes), timeout=timeout, entries=entries, applied=report.fixes,
        requires_python=requires_python, say=say,
    )  # fmt: skip
    if output_format == "json":
        json.dump(doctor_json(result), out, indent=2)
        out.write("\n")
    else:
        print_doctor(result, out, verbose=verbose)
    return 0 if result.ok else 1


def _jobs() -> int:
    """How many modules the probe imports at once: one per core, a few at most (imports wait on
    the disk too, and a module may start threads of its own)."""
    cores = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )
    return max(1, min(cores, 4))

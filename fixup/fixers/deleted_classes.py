"""Restore definitions that importers still need, from git history.

## What it does

Finds every name that project code imports from a project module which no longer defines it
(seed 000: a feature commit rewrote ``backend/models.py`` and dropped 33 Pydantic models that
``main.py`` and ``database.py`` still imported, so the server died with
``ImportError: cannot import name 'PromptListResponse' from 'models'``). It looks at
``from models import A, B``, ``from app.models import A as X``, ``from . import A``,
``import models`` then ``models.A``, imports inside functions and ``try`` blocks, and the
names a module lists in its own ``__all__``. A name counts as defined when the module binds
it at the top level in any way: class, function, assignment, import, re-export, or a star
import of another project module.

For each module it reads the module's git history once for all its missing names (one
``git log --follow``: renames are followed, so a name may come back from the file's days as
``schemas.py``), in the ancestry of the commit being fixed (a feature branch's own commits
count). Versions stream in newest first; only those with a line that could bind a missing
name are parsed, and the walk stops when every name is found. It brings back the newest
version of each missing definition exactly as it was: decorators, docstring, comments above
it. It goes where its old neighbours put it (after the nearest earlier definition that still
exists, or before the nearest later one), never above something it needs at import time. It
also brings back what the restored code uses: imports the module no longer has (joined to an
existing ``from typing import ...`` when there is one) and other deleted definitions it
references, transitively, string annotations such as ``Optional['TokenUsage']`` included.

Every fix names, for each definition, the commit that last had it and the commit that
removed it (sha, date, author, subject), so a reviewer sees "removed in a1b2c3d 'Add
Specification Designer feature'".

## What it won't touch

- A name that no commit of the history ever defined is not invented: it is reported with the
  importing file and line, and the closest existing names ("did you mean ...").
- A definition deleted long ago that nothing imports stays deleted.
- A module whose names are made at run time is left alone (any name may exist there): one
  with a module-level ``__getattr__`` (defined or assigned), one that writes ``globals()`` or
  hands it to a call (alembic's ``op.py`` proxy, protobuf's builder), one with a ``.pyi`` stub
  beside it, or one that star-imports a module outside the project.
- Classes and constants (data) come back as safe fixes; a function brings back behaviour, so
  its restore is an unsafe fix (``--unsafe-fixes``) whose explanation shows its body. A
  placeholder (``pass``, ``...``, ``raise NotImplementedError``, or a function that ignores
  its arguments and returns an empty object, ``return User()``) is never restored.
- A definition that sat inside an ``if`` or ``try`` block, one whose statement would also
  rebind a name the module defines now, or one that needs something that cannot be restored
  (an import of a project module that no longer exists) is reported, not restored.
- In a shallow clone it says how many commits it could search and which names it did not find
  there; without git it reports the missing names and restores nothing.

## Example

```diff
 # backend/models.py; main.py does `from models import SSHKeyListResponse`
 # provenance: SSHKeyInfo, SSHKeyListResponse: as of 4b9113b (2025-10-01, Alice, 'Add SSH
 #   keys') in backend/models.py; removed in da9aa7e (2025-10-02, Bob, 'Add Specification
 #   Designer feature')
+from datetime import datetime
 from typing import List
 from pydantic import BaseModel
@@
 class GitBranchesResponse(BaseModel):
     branches: List[str]
+
+
+class SSHKeyInfo(BaseModel):
+    \"\"\"SSH key information\"\"\"
+    fingerprint: str
+    created_at: datetime
+
+
+class SSHKeyListResponse(BaseModel):
+    keys: List[SSHKeyInfo]
```

## References

- Python's import system, ``from ... import`` and ``__all__``: https://docs.python.org/3/reference/simple_stmts.html#the-import-statement
- PEP 562 (module ``__getattr__``); ``git log --follow``: https://git-scm.com/docs/git-log#Documentation/git-log.txt---follow
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

import libcst as cst

from fixup.codemods.bindings import (
    eagerly_referenced_names,
    module_bindings,
    referenced_names,
)
from fixup.codemods.definitions import (
    ImportSpec,
    OldDefinition,
    OldModule,
    add_imports,
    restore_definitions,
)
from fixup.fix import Diagnostic, FileChange, Fix, Plan, Provenance
from fixup.fixers import FixerContext
from fixup.fixers._definers import did_you_mean, in_app
from fixup.history import FileHistory, History, HistoryCommit, HistoryError
from fixup.index import FileFacts, ProjectIndex, absolute_module
from fixup.project import Project
from fixup.textio import SourceError, decode

ORDER = 30
NAME = __name__.rpartition(".")[2].replace("_", "-")


@dataclass(frozen=True)
class Use:
    """Where a missing name is asked for."""

    path: str
    line: int
    #: How it is asked for, as the reader sees it: "from models import X", "models.X", "__all__".
    how: str


#: Statements that can come back on their own (not ``if`` / ``try`` / ``with`` / ``for`` blocks).
_RESTORABLE = (
    ast.ClassDef,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Assign,
    ast.AnnAssign,
)


@dataclass
class _Restored:
    """One statement coming back, and the names it brings."""

    version: int
    index: int
    names: frozenset[str]
    old: OldModule
    eager: frozenset[str]


@dataclass
class _ModulePlan:
    restored: dict[tuple[int, int], _Restored] = field(default_factory=dict)
    imports: dict[str, tuple[int, int, ImportSpec]] = field(default_factory=dict)
    #: name -> why it cannot come back.
    failed: dict[str, str] = field(default_factory=dict)
    #: name -> the names that need it (for failures that spread to what needs them).
    needed_by: dict[str, set[str]] = field(default_factory=dict)
    not_found: set[str] = field(default_factory=set)

    def provides(self, name: str) -> bool:
        return name in self.imports or any(name in r.names for r in self.restored.values())


# -------------------------------------------------------------------- the fixer


def plan(ctx: FixerContext) -> Plan:
    project = ctx.project
    finder = _Finder(project, ctx.index)
    missing = finder.missing_names()
    out = Plan()
    for target in sorted(missing):
        names = {
            n: uses
            for n, uses in missing[target].items()
            if not finder.moved_into_submodule(target, n)
        }
        if names:
            out.extend(_plan_module(project, ctx.history, finder, target, names))
    return out


class _Finder:
    """Which names importers ask for that their modules do not define."""

    def __init__(self, project: Project, index: ProjectIndex) -> None:
        self.project = project
        self.index = index
        #: Stubs (``.pyi``) are not where names are defined at run time.
        self.facts: Mapping[str, FileFacts] = {
            p: index.facts(p) for p in index.paths() if not p.endswith(".pyi")
        }
        self._defined: dict[str, set[str] | str] = {}
        self._packages: dict[str, str | None] = {}
        self._resolved: dict[tuple[str | None, str], str | None] = {}
        self._submodules: dict[tuple[str | None, str], bool] = {}

    def absolute(self, importer: str, level: int, module: str) -> str | None:
        if level == 0:
            return module or None
        if importer not in self._packages:
            self._packages[importer] = self.project.package_of(importer)
        return absolute_module(self._packages[importer], level, module)

    def resolve(self, importer: str, module: str) -> str | None:
        found = self.project.resolve_from(importer, module)
        return found if found is not None and found in self.facts else None

    def is_submodule(self, module: str, name: str, importer: str) -> bool:
        # module_exists covers compiled extension modules (libcst's `native`) as well.
        return self.project.module_exists_from(importer, f"{module}.{name}")

    def defined(self, path: str, seen: frozenset[str] = frozenset()) -> set[str] | str:
        """The names ``path`` binds at the top level, or why that cannot be known."""
        if path in self._defined:
            return self._defined[path]
        info = self.facts[path]
        result: set[str] | str
        if info.error:
            result = info.error
        elif runtime := self.index.runtime_names(path):
            result = runtime
        else:
            result = set(info.bindings.names)
            for level, module in info.bindings.star_imports:
                absolute = self.absolute(path, level, module)
                source = self.resolve(path, absolute) if absolute else None
                if source is None:
                    result = f"it star-imports {'.' * level}{module}, which is not a project module"
                    break
                if source in seen or source == path:
                    continue
                exported = self.exported(source, seen | {path})
                if isinstance(exported, str):
                    result = exported
                    break
                result |= exported
        self._defined[path] = result
        return result

    def exported(self, path: str, seen: frozenset[str]) -> set[str] | str:
        """What ``from <path> import *`` binds."""
        names = self.defined(path, seen)
        if isinstance(names, str):
            return names
        all_names = self.facts[path].bindings.all_names
        if all_names is not None:
            return set(all_names)
        return {n for n in names if not n.startswith("_")}

    def moved_into_submodule(self, target: str, name: str) -> bool:
        """True when ``target`` is a package and exactly one of its submodules defines ``name``:
        the module became a package and the name moved, which moved-modules repairs by
        pointing the import there; restoring the old definition would duplicate it."""
        if not self.project.is_package(target):
            return False
        package = self.project.module_name(target)
        if package is None:
            return False
        holders = [
            path
            for module, paths in self.project.modules().items()
            if module.startswith(package + ".")
            for path in paths
            if path in self.facts and self._defines_itself(path, name)
        ]
        return len(holders) == 1

    def _defines_itself(self, path: str, name: str) -> bool:
        """``path`` binds ``name`` by a definition of its own, not by importing it."""
        names = self.defined(path)
        if isinstance(names, str) or name not in names:
            return False
        return not any(
            (asname or imported) == name
            for _, _, imported, asname, _ in self.facts[path].imports.from_imports
        )

    def missing_names(self) -> dict[str, dict[str, list[Use]]]:
        """Module path -> missing name -> where it is asked for."""
        asked: dict[str, dict[str, list[Use]]] = {}
        written: dict[str, set[str]] = {}

        def ask(target: str, name: str, use: Use) -> None:
            asked.setdefault(target, {}).setdefault(name, []).append(use)

        for importer in sorted(self.facts):
            info = self.facts[importer]
            if info.error:
                continue
            aliases = dict(info.imports.module_aliases)
            # One local name imported from two places (`from app.sql import util` in one
            # function, `from app.engine import util` in another): which one a read means
            # depends on the scope, so reads through it are not judged.
            bound: dict[str, set[str]] = {}
            for level, module, name, asname, _ in info.imports.from_imports:
                bound.setdefault(asname or name, set()).add(f"{level}:{module}.{name}")
            for level, module, name, asname, line in info.imports.from_imports:
                if name == "*":
                    continue
                absolute = self.absolute(importer, level, module)
                if absolute is None or absolute == "__future__":
                    continue
                target = self.resolve(importer, absolute)
                if target is None:
                    continue
                if self.is_submodule(absolute, name, importer):
                    aliases.setdefault(asname or name, f"{absolute}.{name}")
                    continue
                ask(target, name, Use(importer, line, f"from {'.' * level}{module} import {name}"))
            for local, sources in bound.items():
                if len(sources) > 1:
                    aliases.pop(local, None)
            for chain, line in info.imports.attribute_reads:
                found = self._attribute_target(importer, aliases, chain)
                if found is not None:
                    target, name, shown = found
                    ask(target, name, Use(importer, line, shown))
            for chain in info.imports.attribute_writes:
                found = self._attribute_target(importer, aliases, chain)
                if found is not None:
                    written.setdefault(found[0], set()).add(found[1])
            if info.bindings.all_names and info.bindings.all_line:
                own_name = self.project.module_name(importer)
                for name in info.bindings.all_names:
                    # A package's __all__ may list its submodules.
                    if own_name and self.is_submodule(own_name, name, importer):
                        continue
                    ask(importer, name, Use(importer, info.bindings.all_line, "__all__"))

        missing: dict[str, dict[str, list[Use]]] = {}
        for target, names in asked.items():
            defined = self.defined(target)
            if isinstance(defined, str):
                # Reported as left alone, with the reason.
                unsure = {
                    n: u for n, u in names.items() if n not in self.facts[target].bindings.names
                }
                if unsure:
                    missing[target] = unsure
                continue
            gone = {
                name: uses
                for name, uses in names.items()
                if name not in defined and name not in written.get(target, set())
                and not name.startswith("__")
            }  # fmt: skip
            if gone:
                missing[target] = gone
        return missing

    def _attribute_target(
        self, importer: str, aliases: Mapping[str, str], chain: str
    ) -> tuple[str, str, str] | None:
        """For ``models.X.y``: (the file of ``models``, ``X``, "models.X")."""
        parts = chain.split(".")
        if parts[0] not in aliases:
            return None
        full = aliases[parts[0]].split(".") + parts[1:]
        offset = len(full) - len(parts)
        for k in range(len(full) - 1, 0, -1):
            module = ".".join(full[:k])
            target = self.resolve(importer, module)
            if target is None:
                continue
            if self.is_submodule(module, full[k], importer):
                return None
            return target, full[k], ".".join(parts[: k - offset + 1])
        return None


# -------------------------------------------------------------------- one module


def _plan_module(
    project: Project, past: History, finder: _Finder, target: str, names: dict[str, list[Use]]
) -> Plan:
    out = Plan()
    module_name = project.module_name(target) or target
    defined = finder.defined(target)
    if isinstance(defined, str):
        listed = ", ".join(sorted(names))
        out.diagnostics.append(
            Diagnostic(
                f"{listed} not checked: {defined}, so any name may exist",
                target,
                fixer=NAME,
                severity="info",
            )
        )
        return out
    # A name the importer's app defines elsewhere was imported from the wrong module:
    # moved-modules points the import there, or reports the candidates.
    reported = _not_defined_elsewhere(finder, target, names)
    if not past.available:
        _report_unrestorable(
            out,
            module_name,
            target,
            reported,
            defined,
            "there is no git history to restore it from (not a git repository)",
        )
        return out
    history = past.file_history(target)
    if isinstance(history, HistoryError):
        _report_unrestorable(out, module_name, target, reported, defined, history.reason)
        return out
    if not history.versions:
        _report_unrestorable(
            out,
            module_name,
            target,
            reported,
            defined,
            f"{target} has no git history (not committed yet)",
        )
        return out
    search = _HistorySearch(history, past, target)
    module_plan = _resolve_names(project, past, finder, target, set(names), defined, search)
    if search.error is not None:
        _report_unrestorable(out, module_name, target, reported, defined, search.error.reason)
        return out
    _report_failures(out, module_name, target, reported, defined, module_plan, history)
    roots = {n for n in names if module_plan.provides(n)}
    if not roots:
        return out
    fix = _make_fix(project, target, module_name, names, module_plan, search, history, past)
    if isinstance(fix, str):
        for name in sorted(roots):
            for use in names[name]:
                out.diagnostics.append(
                    Diagnostic(
                        f"`{name}` from {module_name} not restored: {fix}",
                        use.path,
                        use.line,
                        NAME,
                        "error",
                    )
                )
        return out
    out.fixes.append(fix)
    return out


class _HistorySearch:
    """One file's old versions as this fixer asks about them; ``History`` searches and reads.

    When git fails the search finds nothing more and keeps the ``error``.
    """

    def __init__(self, history: FileHistory, past: History, path: str) -> None:
        self.history = history
        self._past = past
        self._path = path
        self.error: HistoryError | None = None
        self._texts: dict[int, str | None] = {}
        self._modules: dict[int, OldModule | None] = {}

    def text(self, index: int) -> str | None:
        if index not in self._texts:
            blob = self.history.versions[index].blob
            data = self._past.blob(blob) if blob else None
            if isinstance(data, HistoryError):
                self.error, data = data, None
            self._texts[index] = _decoded(data)
        return self._texts[index]

    def find(self, names: Iterable[str]) -> dict[str, int]:
        """Name -> index of the newest version that binds it at the top level."""
        if self.error is not None:
            return {}
        found = self._past.last_versions(self._path, names)
        if isinstance(found, HistoryError):
            self.error = found
            return {}
        return found

    def module(self, index: int) -> OldModule | None:
        if index not in self._modules:
            text = self.text(index)
            try:
                self._modules[index] = None if text is None else OldModule(text)
            except (SyntaxError, ValueError):
                self._modules[index] = None
        return self._modules[index]


def _resolve_names(
    project: Project,
    past: History,
    finder: _Finder,
    target: str,
    roots: set[str],
    defined: set[str],
    search: _HistorySearch,
) -> _ModulePlan:
    """What comes back for ``roots`` and everything they need, found in as few passes as possible."""
    result = _ModulePlan()
    wanted = set(roots)
    handled: set[str] = set()
    while wanted:
        found = search.find(wanted)
        handled |= wanted
        result.not_found |= wanted - set(found)
        following: set[str] = set()
        for name in sorted(found):
            index = found[name]
            old = search.module(index)
            if old is None:
                result.failed[name] = (
                    f"its version in {_short(search.history.versions[index].commit)} does not parse"
                )
                continue
            # `X += ...` is no definition of its own: the statement that made X is.
            positions = [
                i
                for i, key in enumerate(old.keys)
                if name in key.names and not isinstance(old.tree.body[i], ast.AugAssign)
            ]
            if not positions:
                result.failed[name] = "it was bound inside a block, not by a statement of its own"
                continue
            position = positions[-1]
            statement = old.tree.body[position]
            code = old.code(position)
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                commit = search.history.versions[index].commit.sha
                was_project = _module_files(project, past, target, commit)
                spec = _import_spec(project, finder, target, code, name, was_project)
                if isinstance(spec, str):
                    result.failed[name] = spec
                else:
                    result.imports[name] = (
                        index,
                        position,
                        replace(spec, origin=OldDefinition(old, position)),
                    )
                continue
            if not isinstance(statement, _RESTORABLE):
                kind = type(statement).__name__.lower()
                result.failed[name] = (
                    f"it was defined inside an `{kind}` block in {_short(search.history.versions[index].commit)}"
                )
                continue
            if _is_placeholder(statement):
                result.failed[name] = (
                    f"its last version ({_short(search.history.versions[index].commit)}) is a "
                    "placeholder that would hide the error rather than repair it; bring back "
                    "a real implementation by hand"
                )
                continue
            bound = old.keys[position].names
            clash = sorted(bound & defined)
            if clash:
                result.failed[name] = (
                    f"its statement would also rebind {', '.join(clash)}, which the module defines now"
                )
                continue
            if (index, position) in result.restored:
                continue
            eager = frozenset(eagerly_referenced_names(code))
            result.restored[(index, position)] = _Restored(index, position, bound, old, eager)
            old_bound = set().union(*(key.names for key in old.keys))
            for reference in sorted(referenced_names(code) - bound):
                # Only what the old module bound itself: locals, builtins and names that were
                # undefined then too are not ours to bring back.
                if reference in defined or reference not in old_bound:
                    continue
                result.needed_by.setdefault(reference, set()).add(name)
                if reference not in handled and not result.provides(reference):
                    following.add(reference)
        wanted = following - handled
    _spread_failures(result)
    return result


def _is_placeholder(statement: ast.stmt) -> bool:
    """A function whose body only stands in for one: ``pass``, ``...``, ``raise
    NotImplementedError``; or one that ignores every argument it takes and returns nothing,
    a constant or an empty object (``def get_current_user(token): return User()``). A
    factory without arguments (``def get_settings(): return Settings()``) is real code."""
    if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    body = statement.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    if len(body) != 1:
        return not body
    only = body[0]
    if isinstance(only, ast.Pass):
        return True
    if isinstance(only, ast.Expr):
        return isinstance(only.value, ast.Constant) and only.value.value is Ellipsis
    if isinstance(only, ast.Raise):
        exc = only.exc.func if isinstance(only.exc, ast.Call) else only.exc
        return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"
    if isinstance(only, ast.Return):
        arguments = statement.args
        names = {
            a.arg
            for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
            if a.arg not in ("self", "cls")
        } | {a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None}
        used = {n.id for n in ast.walk(only) if isinstance(n, ast.Name)}
        if not names or names & used:
            return False
        value = only.value
        if value is None or isinstance(value, ast.Constant):
            return True
        if isinstance(value, (ast.Dict, ast.List, ast.Tuple, ast.Set)):
            return not getattr(value, "elts", getattr(value, "keys", None))
        return isinstance(value, ast.Call) and not value.args and not value.keywords
    return False


def _spread_failures(result: _ModulePlan) -> None:
    """A definition whose dependency cannot come back does not come back either."""
    broken = {name: reason for name, reason in result.failed.items()}
    broken |= {name: "no version of the file defines it" for name in result.not_found}
    queue = list(broken)
    while queue:
        name = queue.pop()
        for dependent in sorted(result.needed_by.get(name, ())):
            if dependent in broken:
                continue
            broken[dependent] = f"it needs `{name}`, which cannot be restored ({broken[name]})"
            result.failed[dependent] = broken[dependent]
            queue.append(dependent)
    for key, restored in list(result.restored.items()):
        if restored.names & set(result.failed):
            del result.restored[key]
    for name in list(result.imports):
        if name in result.failed:
            del result.imports[name]


def _import_spec(
    project: Project,
    finder: _Finder,
    target: str,
    code: str,
    name: str,
    was_project: Callable[[str], bool],
) -> ImportSpec | str:
    """The import that bound ``name`` in an old version, made absolute, or why it cannot come back."""
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    module = finder.absolute(target, node.level, node.module or "")
                    if module is None:
                        return f"its old import `{code.strip()}` cannot be made absolute"
                    if _is_missing_project_module(project, target, module, was_project):
                        return f"its old import `{code.strip()}` names a project module that no longer exists"
                    return ImportSpec(module, alias.name, alias.asname)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if (alias.asname or alias.name.split(".")[0]) == name:
                    if _is_missing_project_module(project, target, alias.name, was_project):
                        return f"its old import `{code.strip()}` names a project module that no longer exists"
                    return ImportSpec(alias.name, None, alias.asname)
    return "its old import could not be read"


def _is_missing_project_module(
    project: Project, importer: str, module: str, was_project: Callable[[str], bool]
) -> bool:
    """True for a module of the project that is gone (not for a third-party module)."""
    if project.module_exists_from(importer, module):
        return False
    return project.module_exists_from(importer, module.split(".")[0]) or was_project(module)


def _module_files(
    project: Project, past: History, target: str, commit: str
) -> Callable[[str], bool]:
    """Whether a module existed as a file of the project (next to ``target``'s import root) in ``commit``."""

    def was_project(module: str) -> bool:
        root = project.import_root(target) or ""
        base = f"{root}/{module.replace('.', '/')}" if root else module.replace(".", "/")
        held = past.paths_at(commit, [f"{base}.py", f"{base}/__init__.py"])
        return not isinstance(held, HistoryError) and bool(held)

    return was_project


# -------------------------------------------------------------------- output


def _make_fix(
    project: Project,
    target: str,
    module_name: str,
    names: dict[str, list[Use]],
    module_plan: _ModulePlan,
    search: _HistorySearch,
    history: FileHistory,
    past: History,
) -> Fix | str:
    text = project.files[target]
    try:
        current = project.parse(target)
    except cst.ParserSyntaxError as exc:
        return f"{target} does not parse: {exc.message}"
    restored = sorted(module_plan.restored.values(), key=lambda r: (r.version, r.index))
    oldest = project.oldest_python
    for r in restored:
        if oldest is None:
            break
        try:
            ast.parse(r.old.code(r.index), feature_version=oldest)
        except SyntaxError as exc:
            return (
                f"restored code would not parse on Python {oldest[0]}.{oldest[1]}, the oldest "
                f"the project's requires-python allows ({exc.msg}, in "
                f"`{', '.join(sorted(r.names))}`)"
            )
    definitions = [OldDefinition(r.old, r.index, r.eager) for r in restored]
    specs = [
        spec
        for _, _, spec in sorted(
            module_plan.imports.values(), key=lambda v: (v[0], v[1], v[2].module, v[2].name or "")
        )
    ]
    try:
        new = add_imports(restore_definitions(current, definitions), specs).code
        compile(new, target, "exec", dont_inherit=True)
    except (ValueError, SyntaxError) as exc:
        return f"the restored module would not compile ({exc})"
    now_bound = module_bindings(ast.parse(new)).names
    brought = {n for r in restored for n in r.names} | set(module_plan.imports)
    if not brought <= now_bound:
        return "the restored module would still miss " + ", ".join(sorted(brought - now_bound))

    roots = sorted(n for n in names if module_plan.provides(n))
    dependencies = sorted(n for r in restored for n in r.names if n not in names)
    imports = sorted(n for n in module_plan.imports if n not in names)
    count = len(roots) + len(dependencies)
    by_importer: dict[tuple[str, str], list[str]] = {}
    for name in roots:
        for use in names[name]:
            template = "{} lists {} in __all__" if use.how == "__all__" else "{} imports {}"
            by_importer.setdefault((_where(use), template), []).append(name)
    asked = "; ".join(
        template.format(where, ", ".join(dict.fromkeys(listed)))
        for (where, template), listed in by_importer.items()
    )
    explanation = [
        f"{len(roots)} name{'s' * (len(roots) != 1)} imported from `{module_name}` no longer "
        f"exist{'s' * (len(roots) == 1)} in {target}, so importing "
        f"{'them' if len(roots) != 1 else 'it'} fails with ImportError: {asked}.",
        "Each comes back as the newest commit that had it left it.",
    ]
    if dependencies:
        explanation.append(
            f"Also restored, because restored code uses them: {', '.join(dependencies)}."
        )
    if imports:
        explanation.append(f"Imports re-added for the restored code: {', '.join(imports)}.")
    if history.shallow:
        depth = _depth(history)
        explanation.append(depth[0].upper() + depth[1:] + ".")
    # One line per (commit that last had them, commit that removed them).
    by_version: dict[int, list[str]] = {}
    for r in restored:
        by_version.setdefault(r.version, []).extend(sorted(r.names))
    for name in sorted(module_plan.imports):
        version, _, spec = module_plan.imports[name]
        if name in names:
            by_version.setdefault(version, []).append(f"{name} (import of {spec.module})")
    provenance = [
        _provenance(", ".join(listed), version, history, past)
        for version, listed in sorted(by_version.items())
    ]
    # Data (classes, constants) comes back as it was; a function brings back behaviour, which
    # a reviewer must read: unsafe, with its body in the explanation.
    functions = [
        r
        for r in restored
        if isinstance(r.old.tree.body[r.index], (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    for r in functions:
        body = r.old.code(r.index).strip("\n")
        lines = body.splitlines()
        shown = "\n".join(lines[:20]) + ("\n..." if len(lines) > 20 else "")
        explanation.append(
            f"It restores behaviour, not only data: review `{', '.join(sorted(r.names))}`:\n{shown}"
        )
    title = f"Restore {count} deleted definition{'s' * (count != 1)} in {target}"
    if count == 0:
        title = f"Restore {len(module_plan.imports)} deleted import{'s' * (len(module_plan.imports) != 1)} in {target}"
    return Fix(
        fixer=NAME,
        title=title,
        explanation=" ".join(explanation),
        changes=(FileChange(target, text, new),),
        provenance=tuple(provenance),
        safe=not functions,
    )


def _provenance(what: str, version: int, history: FileHistory, past: History) -> Provenance:
    had = history.versions[version]
    path = past.project_path(had.path) or had.path
    if version > 0:
        removed = f"removed in {_describe(history.versions[version - 1].commit)}"
    else:
        removed = "removed in uncommitted changes"
    return Provenance(
        f"{what}: as of {_describe(had.commit)} in {path}; {removed}",
        commit=had.commit.sha,
        path=path,
        date=had.commit.date,
        author=had.commit.author,
        subject=had.commit.subject,
    )


def _report_failures(
    out: Plan,
    module_name: str,
    target: str,
    names: dict[str, list[Use]],
    defined: set[str],
    module_plan: _ModulePlan,
    history: FileHistory,
) -> None:
    known = defined | {n for r in module_plan.restored.values() for n in r.names}
    for name in sorted(names):
        if name in module_plan.not_found:
            if history.shallow:
                reason = (
                    f"no version within reach defines it ({_depth(history)}); older commits are "
                    "not in this clone: fetch them (`git fetch --unshallow`) and run fixup again"
                )
            else:
                reason = f"no commit of its history ever defined it ({_depth(history)}, renames followed)"
        elif name in module_plan.failed:
            reason = f"it cannot be restored: {module_plan.failed[name]}"
        else:
            continue
        _report_missing(out, module_name, target, name, names[name], reason, known)


def _report_unrestorable(
    out: Plan,
    module_name: str,
    target: str,
    names: dict[str, list[Use]],
    defined: set[str],
    reason: str,
) -> None:
    for name in sorted(names):
        _report_missing(out, module_name, target, name, names[name], reason, defined)


def _report_missing(
    out: Plan,
    module_name: str,
    target: str,
    name: str,
    uses: list[Use],
    reason: str,
    known: Iterable[str],
) -> None:
    """One error per use, worded as the use fails: an import, an attribute read, ``__all__``."""
    suggestion = _did_you_mean(name, known)
    for use in uses:
        if use.how.startswith("from "):
            what = f"cannot import name `{name}` from `{module_name}`"
        elif use.how == "__all__":
            what = f"`__all__` lists `{name}`, which `{module_name}` does not bind"
        else:
            what = f"`{use.how}`: module `{module_name}` has no attribute `{name}`"
        out.diagnostics.append(
            Diagnostic(
                f"{what}: {target} does not define it, and {reason}{suggestion}",
                use.path,
                use.line,
                NAME,
                "error",
            )
        )


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    """Only a close spelling of the same kind (``require_admin`` never suggests
    ``require_user``): see ``fixup.fixers._definers.did_you_mean``."""
    return did_you_mean(name, dict.fromkeys(known, "assign"))


def _not_defined_elsewhere(
    finder: _Finder, target: str, names: dict[str, list[Use]]
) -> dict[str, list[Use]]:
    """``names`` without the ``from`` imports whose app defines the name in another module:
    moved-modules' business (it redirects the import, or reports the candidates)."""
    if finder.facts[target].bindings.star_imports:
        return names
    kept: dict[str, list[Use]] = {}
    for name, uses in names.items():
        left = [
            use
            for use in uses
            if not use.how.startswith("from ")
            or not any(d.path != target for d in in_app(finder.index, use.path, name)[0])
        ]
        if left:
            kept[name] = left
    return kept


def _depth(history: FileHistory) -> str:
    oldest = f", back to {_describe(history.oldest)}" if history.oldest else ""
    where = "this shallow clone" if history.shallow else "the history"
    count = history.commits_searched
    return f"searched the {count} commit{'s' * (count != 1)} {where} has{oldest}"


def _where(use: Use) -> str:
    return f"{use.path}:{use.line}"


def _decoded(data: bytes | None) -> str | None:
    if data is None:
        return None
    try:
        return decode(data)[0]
    except SourceError:
        return None


def _short(commit: HistoryCommit) -> str:
    return commit.sha[:7]


def _describe(commit: HistoryCommit) -> str:
    return f"{commit.sha[:7]} ({commit.date[:10]}, {commit.author}, '{commit.subject}')"

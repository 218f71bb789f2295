"""Proofs a fix must pass before it is proposed: what it writes parses, and what it imports exists.

The pipeline proves every fix against the snapshot it would produce; a fix that fails is
dropped and reported with the reason, never proposed. The checks read facts with ``ast``, and
only for the files the fix writes and the modules they import:

- every Python file the fix writes parses (for the oldest Python the project supports, as far
  as the running interpreter can tell: its own grammar);
- every import the fix adds resolves, from the importing file's own ``sys.path`` in the new
  snapshot, to a project module that binds the imported names (or a submodule of that name):
  no re-export of a name its source no longer defines, no import of a module that is gone.

Imports of modules outside the project (the standard library, third-party packages) cannot be
checked here and are left to ``fixup doctor`` / ``--verify``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache

from fixup.codemods.bindings import ModuleBindings, module_bindings
from fixup.fix import Fix
from fixup.project import Project

#: An import as written, without its position: (level, module, name, the name it binds);
#: name "" for ``import m``.
_Import = tuple[int, str, str, str]


def disproof(fix: Fix, before: Project, after: Project) -> tuple[str, str] | None:
    """Why ``fix`` must not be proposed, given the snapshots ``before`` and ``after`` it, as
    (the file at fault, the reason); None when it passes every check.

    An import the file already had (the same module and name, however it is written: a
    relative import made absolute is the same import) is not the fix's claim. A name the file
    imported from a module that works, before the fix and after it, must still come from that
    module, or from one that re-exports the same definition (split-models): a fix never
    redirects a working import."""
    for change in fix.changes:
        if change.after is None or not change.path.endswith((".py", ".pyi")):
            continue
        try:
            tree = ast.parse(change.after, filename=change.path)
        except (SyntaxError, ValueError) as exc:
            line = f" (line {exc.lineno})" if isinstance(exc, SyntaxError) and exc.lineno else ""
            return change.path, f"the file would not parse after the fix{line}"
        had: set[tuple[str | None, str]] = set()
        # Names the file imported by an import that fails before the fix: a fix that points
        # such an import elsewhere must reach an existing module; whether that module binds
        # the name may be a later fixer's business (deleted-classes restores it there).
        broken: set[str] = set()
        # bound name -> where it came from, when that import works before and after the fix
        working: dict[str, tuple[int, str, str, str | None]] = {}
        if change.before is not None:
            for level, module, name, bound in _imports(_parse(change.before)):
                absolute = _absolute(before, change.path, level, module)
                had.add((absolute, name))
                gone = fix.renamed_away
                if name and _unresolved(before, change.path, level, module, name, gone) is not None:
                    broken.add(bound)
                if (
                    name
                    and absolute
                    and _unresolved(before, change.path, level, module, name, gone) is None
                ):
                    working.setdefault(bound, (level, module, name, absolute))
        for level, module, name, bound in _imports(tree):
            absolute = _absolute(after, change.path, level, module)
            if (absolute, name) in had:
                continue  # the fix keeps it; it is not the fix's claim
            checked = "" if bound in broken and bound not in working else name
            reason = _unresolved(after, change.path, level, module, checked, fix.renamed_away)
            old = working.get(bound)
            # A fix that deletes the old source (duplicate-models) redirects on purpose.
            if (
                reason is None
                and name
                and old is not None
                and old[3] != absolute
                and _unresolved(after, change.path, *old[:3]) is None
                and _origin(after, change.path, old[3], name)
                != _origin(after, change.path, absolute, name)
            ):
                reason = (
                    f"`{bound}` came from `{old[3]}`, which works; the fix would import "
                    f"it from `{absolute}` instead"
                )
            if reason is not None:
                return change.path, reason
    return None


def _imports(tree: ast.Module | None) -> Iterator[_Import]:
    if tree is None:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                yield node.level, node.module or "", alias.name, alias.asname or alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield 0, alias.name, "", alias.asname or alias.name.split(".")[0]


def _unresolved(
    project: Project,
    importer: str,
    level: int,
    module: str,
    name: str,
    renamed_away: frozenset[str] = frozenset(),
) -> str | None:
    """Why the import does not resolve in ``project``; None when it does or is not the project's
    (``renamed_away``: former project packages, whose imports are broken when they are gone)."""
    absolute = _absolute(project, importer, level, module)
    written = f"from {'.' * level}{module} import {name}" if name or level else f"import {module}"
    if absolute is None:
        return f"`{written}` reaches beyond the top-level package"
    top = absolute.split(".")[0]
    if not project.module_exists_from(importer, top):
        if top in renamed_away:
            return f"`{written}` imports `{absolute}`, a project package renamed away"
        return None  # not a project module: the standard library or a third-party package
    if not project.module_exists_from(importer, absolute):
        return f"`{written}` imports `{absolute}`, which does not exist where the app runs"
    if not name or name == "*" or project.module_exists_from(importer, f"{absolute}.{name}"):
        return None
    target = project.resolve_from(importer, absolute)
    if target is None:
        return None  # a namespace package or an extension module: nothing to read
    if target == importer:
        # The module is half-initialised when it imports itself: the name is not there yet.
        return f"`{written}` imports `{absolute}` from itself"
    bindings = _bindings(project.files[target])
    if bindings is None or bindings.has_getattr or bindings.dynamic or bindings.star_imports:
        return None  # names it cannot list (a star import is followed by deleted-classes)
    if name not in bindings.names:
        return f"`{written}`: `{absolute}` ({target}) does not define `{name}`"
    return None


def _origin(project: Project, importer: str, module: str | None, name: str) -> tuple[str, str]:
    """The file and name that define ``module.name`` for ``importer``, following re-exports
    (``from .auth import User`` in a package ``__init__``) a few steps."""
    where, what = module or "", name
    for _ in range(8):
        path = project.resolve_from(importer, where)
        if path is None:
            break
        source = _reexports(project.files[path]).get(what)
        if source is None:
            return path, what
        level, from_module, what = source
        absolute = _absolute(project, path, level, from_module)
        if absolute is None:
            return path, what
        importer, where = path, absolute
    return where, what


def _absolute(project: Project, importer: str, level: int, module: str) -> str | None:
    if level == 0:
        return module
    package = project.package_of(importer)
    if package is None:
        return None
    bits = package.split(".") if package else []
    if level > len(bits):
        return None  # Python: "attempted relative import beyond top-level package"
    base = bits[: len(bits) - (level - 1)]
    return ".".join([*base, *([module] if module else [])]) or None


def _parse(text: str | None) -> ast.Module | None:
    if text is None:
        return None
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


@lru_cache(maxsize=512)
def _reexports(text: str) -> dict[str, tuple[int, str, str]]:
    """Names a module binds by a top-level ``from m import n [as a]``: a -> (level, m, n)."""
    tree = _parse(text)
    found: dict[str, tuple[int, str, str]] = {}
    for node in tree.body if tree is not None else ():
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                found[alias.asname or alias.name] = (node.level, node.module or "", alias.name)
    return found


@lru_cache(maxsize=512)
def _bindings(text: str) -> ModuleBindings | None:
    tree = _parse(text)
    return module_bindings(tree) if tree is not None else None

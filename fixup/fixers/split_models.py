"""Split an oversized models module into a package, with every old import still working.

## What it does

Turns ``models.py`` (or ``schemas.py``) into a package ``models/`` with one module per domain,
as one reviewable fix (seed 000's 890-line ``models.py``, seed 003's ``app/models/``). It is a
refactor: it runs only when asked for, with ``--select split-models`` or a
``[tool.fixup.split-models]`` table, never in the default run.

- Which modules: those listed in ``modules`` (paths or dotted names), otherwise every
  ``models.py`` / ``schemas.py`` longer than ``max-lines`` with at least ``min-classes`` classes.
- Grouping: the ``groups`` mapping when given (module name -> glob patterns of class names,
  ``{auth = ["Claude*", "SSHKey*"]}``); the rest automatically, from shared name prefixes
  (``SSHKeyInfo``, ``SSHKeyListResponse`` -> ``ssh_key.py``) and the reference graph (who
  names whom, including string annotations and ``relationship("X")`` targets). Enums, base
  classes, constants and helpers used by several groups go to ``base.py``; one used by a
  single group goes with it. A class with no prefix to share joins the group it names or is
  named by most, else the section of the file it sits in, else ``base.py``
  (``ApiResponse``). A one-class group of a few lines joins the group it is most connected
  to; a group over ``max-lines`` splits by its two-word prefixes (``AcmeUser*``,
  ``AcmeOrder*``), and one that still is too big is reported.
- Imports: each new module imports exactly what its code uses: the original module's own
  imports, cut down (relative ones made absolute), and its siblings' names. Two groups that
  would import each other at import time are merged, so the package has no import cycle.
  SQLAlchemy mapped classes that name each other only in strings (``Mapped[list["Address"]]``,
  ``relationship("Address")``) stay apart: the class registry resolves them, and type checkers
  get an ``if TYPE_CHECKING:`` import. A Pydantic forward reference (``Optional["TokenUsage"]``)
  to another module becomes a real import, so the model builds as before; when that import
  would close a cycle (``ProjectWithTasks`` <-> ``TaskWithProject``), it is imported for type
  checkers only and ``__init__.py`` calls ``model_rebuild()`` on the models that need it once
  every module is imported. A ``model_rebuild()`` the module already had follows its model.
- ``models/__init__.py`` keeps the module's docstring and ``__all__`` (or writes one) and
  re-exports every name the module offered, including private names and names the module
  itself imported when an importer uses them, so ``from models import X``,
  ``import models; models.X``, ``from models import *`` and pickled or ORM-registered names
  keep working. With ``rewrite-importers = true``, ``from models import A, B`` in the rest of
  the project is rewritten to import each name from its new module.
- Review: every definition moves verbatim, with the comments above it, in its original order;
  the fix's explanation carries the move map (definition -> new module). The largest new
  module is marked as the continuation of the old file (``renamed_from``), for ``--branch``
  to commit as a rename so ``git log --follow`` and ``git blame -C`` can follow the code.
- Module-level statements that define nothing (``X.model_rebuild()``, ``register(X)``) follow
  the last definition they name; comments above a definition move with it; the module's own
  header comments and docstring open ``__init__.py``.

## What it won't touch

- A module that is already a package, or whose package folder already exists.
- A module with ``from x import *`` in its header, a module-level ``__getattr__``, a computed
  ``__all__``, or code that inspects its own module (``globals()``, ``__file__``,
  ``sys.modules[__name__]``): what moves where cannot be decided safely. Each is reported.
- A module whose definitions all belong together (one group after merging cycles).

## Example

```diff
# split-models: Split backend/models.py (551 lines) into the package backend/models/ (15 modules)
#   ... Every definition moves verbatim ...; only the import lines ... are new.
#   Move map:
#     base.py: NAME_MAX_LENGTH, DEFAULT_MODEL, utc_now, InstanceStatus, LogType
#     log.py: LogListResponse, LogAnalytics, LogFilter, TokenUsage
#     ...
--- /dev/null
+++ b/backend/models/__init__.py
+from models.base import DEFAULT_MODEL, NAME_MAX_LENGTH, InstanceStatus, LogType, utc_now
+from models.log import LogAnalytics, LogFilter, LogListResponse, TokenUsage
+...
+__all__ = [
+    "NAME_MAX_LENGTH",
+    ...
+]
--- /dev/null
+++ b/backend/models/log.py
+from datetime import datetime
+from typing import Any, Dict, List, Optional
+
+from pydantic import BaseModel
+
+from models.base import LogType
+from models.instance import InstanceLog
+
+
+class LogListResponse(BaseModel):
+    logs: List[InstanceLog]
...
--- a/backend/models.py
+++ /dev/null
```

## References

- Python's import system, packages and ``__all__``: https://docs.python.org/3/tutorial/modules.html#packages
- SQLAlchemy, declarative class registry and string relationship targets: https://docs.sqlalchemy.org/en/20/orm/basic_relationships.html#using-a-late-evaluated-form-for-the-argument-of-relationship
- Pydantic, postponed annotations and ``model_rebuild``: https://docs.pydantic.dev/latest/concepts/postponed_annotations/
"""

from __future__ import annotations

import fnmatch
import keyword
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import libcst as cst

from fixup.codemods.module_importers import importer_uses, redirect_from_imports
from fixup.codemods.module_split import (
    PackageLayout,
    SplitError,
    deferrable,
    import_kind,
    literal_all,
    split_module,
)
from fixup.codemods.reference_graph import ReferenceGraph, TopLevel, build_graph
from fixup.fix import Diagnostic, FileChange, Fix, Plan, Provenance
from fixup.fixers import FixerContext, Option
from fixup.index import ProjectIndex
from fixup.project import Project

ORDER = 40
NAME = __name__.rpartition(".")[2].replace("_", "-")

ON_REQUEST = "a refactor of a module that works; its size alone breaks nothing"

OPTIONS = {
    "modules": Option(
        [],
        "Modules to split (paths such as 'backend/models.py' or dotted names), whatever their size.",
        kind=list,
    ),
    "max-lines": Option(500, "A models.py / schemas.py longer than this is split.", minimum=1),
    "min-classes": Option(8, "...and only when it defines at least this many classes.", minimum=1),
    "groups": Option(
        {},
        "New module name -> glob patterns of the names it takes, e.g. {auth = ['Claude*', 'SSHKey*']}.",
        kind=dict,
    ),
    "shared-module": Option(
        "base", "The module for enums, bases, constants and helpers that several groups use."
    ),
    "rewrite-importers": Option(
        False, "Also rewrite `from models import X` in the project to the new submodules."
    ),
}

_CANDIDATE_NAMES = ("models.py", "schemas.py")
_CLASS_LINE = re.compile(r"^class\s", re.M)
_SELF_INSPECTION = re.compile(r"\bglobals\(\)|\b__file__\b|sys\.modules\[__name__\]")
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|$)|[A-Z]?[a-z]+|[A-Z]+|\d+")
#: First words that say "shared", not a domain: BaseResponse, AbstractModel, TimestampMixin.
_SHARED_WORDS = frozenset({"base", "abstract", "mixin", "generic", "common", "shared", "core"})
#: A group smaller than this (in lines) and with a single definition joins a neighbour.
_TINY_LINES = 25


@dataclass
class Group:
    name: str
    members: set[int] = field(default_factory=set)
    #: Given in the configuration: never renamed or merged away for being small.
    pinned: bool = False
    #: Already named after its main class (not after its members' common prefix).
    named: bool = False


def plan(ctx: FixerContext) -> Plan:
    project = ctx.project
    out = Plan()
    options = ctx.options
    for path in _candidates(project, options, out):
        try:
            fix = _split(project, path, options, out, ctx.index)
        except SplitError as exc:
            out.diagnostics.append(Diagnostic(f"not split: {exc}", path=path, fixer=NAME))
            continue
        if fix is not None:
            out.fixes.append(fix)
    return out


def _candidates(project: Project, options: Mapping[str, Any], out: Plan) -> list[str]:
    named: list[str] = [str(m) for m in options["modules"]]
    if named:
        found = []
        for entry in named:
            path = entry if entry.endswith(".py") else project.resolve(entry)
            if path is None or path not in project.files:
                if entry.removesuffix(".py") + "/__init__.py" in project.files:
                    continue  # already split: the package stands where the module was
                out.diagnostics.append(
                    Diagnostic(f"module {entry!r} not found", fixer=NAME, severity="warning")
                )
                continue
            if not project.is_package(path):
                found.append(path)
        return found
    found = []
    for path in project.python_files():
        if PurePosixPath(path).name not in _CANDIDATE_NAMES:
            continue
        text = project.files[path]
        if (
            len(text.splitlines()) > options["max-lines"]
            and len(_CLASS_LINE.findall(text)) >= options["min-classes"]
        ):
            found.append(path)
    return found


def _split(
    project: Project, path: str, options: Mapping[str, Any], out: Plan, index: ProjectIndex
) -> Fix | None:
    module_name = project.module_name(path)
    if module_name is None:
        raise SplitError("it is not importable as a module (its path is not a dotted name)")
    folder = path.removesuffix(".py")
    if any(p.startswith(folder + "/") for p in project.files):
        raise SplitError(f"a package folder {folder}/ already exists next to it")
    text = project.files[path]
    if _SELF_INSPECTION.search(text):
        raise SplitError(
            "it inspects its own module (globals(), __file__ or sys.modules[__name__])"
        )
    try:
        tree = project.parse(path)
    except cst.ParserSyntaxError as exc:
        raise SplitError(f"syntax error: {exc.message}") from None
    graph = build_graph(tree)
    module_name = _import_name(index, path, module_name, graph)
    for statement in graph.statements:
        if (
            statement.kind == "import"
            and "*" in tree.code_for_node(statement.node).split("import", 1)[-1]
        ):
            raise SplitError(
                "its header has a star import: which module needs which name cannot be known"
            )
        if "__getattr__" in statement.defines or "__dir__" in statement.defines:
            raise SplitError("it defines a module-level __getattr__/__dir__")
    if any(s.kind == "all" for s in graph.statements) and literal_all(graph) is None:
        raise SplitError("its __all__ is computed, not a literal list of names")

    shared_name = str(options["shared-module"])
    groups, notes = _group(graph, options["groups"], shared_name, options["max-lines"])
    _name_groups(graph, groups, shared_name)
    deferred, rebuild, edges = _defer_pydantic_cycles(graph, groups)
    if not _rebuild_in_time(graph, rebuild):
        # Module-level code uses a model before __init__.py could rebuild it: merge instead.
        groups = [g for g in _merge_cycles(graph, groups, notes, deferring=False) if g.members]
        deferred, rebuild, edges = _defer_pydantic_cycles(graph, groups)
    if len(groups) < 2:
        out.diagnostics.append(
            Diagnostic(
                "not split: its definitions all depend on each other (one group)",
                path=path,
                fixer=NAME,
                severity="info",
            )
        )
        return None
    order = _import_order(groups, edges)
    groups_by_name = {g.name: g for g in groups}

    importers = _importers(index, path, module_name)
    defined = _defined_names(graph)
    header_names = {n for s in graph.statements if s.kind == "import" for n in s.defines}
    wanted = set().union(*(u.names for u in importers.values())) if importers else set()
    original_all = literal_all(graph)
    wanted |= set(original_all or ())
    reexports = [n for n in defined if not n.startswith("_") or n in wanted]
    reexports += sorted(n for n in header_names & wanted if n not in defined)
    all_names = None
    if original_all is None:
        all_names = [n for n in reexports if not n.startswith("_")]

    reexports += [name for name in rebuild if name not in reexports]
    layout = PackageLayout(
        package=module_name,
        old_package=module_name.rpartition(".")[0],
        modules={name: sorted(groups_by_name[name].members) for name in order},
        reexports=reexports,
        all_names=all_names,
        deferred=deferred,
        rebuild=rebuild,
    )
    texts = split_module(graph, layout)
    new_paths = {name: f"{folder}/{name}.py" for name in order}
    for name in order:
        size = len(texts[name].splitlines())
        if size > options["max-lines"] and not groups_by_name[name].pinned:
            out.diagnostics.append(
                Diagnostic(
                    f"{new_paths[name]} is still {size} lines: its definitions share no name prefix to split "
                    "it by; name its parts in [tool.fixup.split-models] groups",
                    path=path,
                    fixer=NAME,
                    severity="info",
                )
            )
    largest = max(order, key=lambda n: len(texts[n]))
    changes: list[FileChange] = [FileChange(f"{folder}/__init__.py", None, texts["__init__"])]
    for name in order:
        changes.append(
            FileChange(
                new_paths[name], None, texts[name], renamed_from=path if name == largest else None
            )
        )
    changes.append(FileChange(path, text, None))

    rewritten = 0
    if options["rewrite-importers"]:
        homes = {n: f"{module_name}.{_home(graph, groups_by_name, n)}" for n in defined}
        for importer in sorted(importers):
            importer_tree = project.parse(importer)
            new_tree, count, skipped = redirect_from_imports(
                importer_tree, module_name, project.package_of(importer), homes
            )
            for reason in skipped:
                out.diagnostics.append(
                    Diagnostic(
                        f"import left as is: {reason}", path=importer, fixer=NAME, severity="info"
                    )
                )
            if count:
                rewritten += count
                changes.append(FileChange(importer, project.files[importer], new_tree.code))

    return Fix(
        fixer=NAME,
        title=f"Split {path} ({len(text.splitlines())} lines) into the package {folder}/ ({len(order)} modules)",
        explanation=_explain(
            graph,
            path,
            module_name,
            folder,
            order,
            groups_by_name,
            len(reexports),
            notes,
            rewritten,
            largest,
        ),
        changes=tuple(changes),
        provenance=(Provenance(f"definitions moved verbatim from {path}", path=path),),
    )


# ---------------------------------------------------------------- grouping


def _group(
    graph: ReferenceGraph, config: Mapping[str, Any], shared_name: str, max_lines: int
) -> tuple[list[Group], list[str]]:
    """Assign every definition statement to a group; returns the groups and notes on merges."""
    statements = graph.statements
    definitions = [s for s in statements if s.kind == "definition"]
    units = _units(graph, definitions)
    notes: list[str] = []

    groups: list[Group] = []
    assigned: dict[int, Group] = {}

    def put(unit: frozenset[int], group: Group) -> None:
        for index in unit:
            assigned[index] = group
            group.members.add(index)

    for name, patterns in config.items():
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise SplitError(f"[tool.fixup.{NAME}] groups.{name} must be a list of glob patterns")
        if not _valid_module_name(name):
            raise SplitError(f"[tool.fixup.{NAME}] groups: {name!r} is not a valid module name")
        groups.append(Group(name, pinned=True))
    for unit in units:
        names = {n for i in unit for n in statements[i].defines}
        for group in groups:
            if any(fnmatch.fnmatchcase(n, p) for n in names for p in config[group.name]):
                put(unit, group)
                break

    shared = Group(shared_name, pinned=shared_name in config)
    if shared.pinned:
        shared = next(g for g in groups if g.name == shared_name)
    else:
        groups.append(shared)

    # Domain classes (not enums, mixins or Base*) group by the first word of their name. A base
    # class joins its prefix's group (ProjectRead -> project); without one it is placed by its
    # users, like enums, constants and helpers.
    free_units = [u for u in units if not any(i in assigned for i in u)]
    subclassed = {b for s in definitions for b in s.bases}
    candidates: list[frozenset[int]] = []
    others: list[frozenset[int]] = []
    for unit in free_units:
        first = statements[min(unit)]
        words = _words(first.name)
        is_candidate = (
            first.is_class
            and not first.is_enum
            and bool(words)
            and words[0].lower() not in _SHARED_WORDS
            and not first.name.endswith("Mixin")
        )
        (candidates if is_candidate else others).append(unit)

    by_key: dict[str, list[frozenset[int]]] = {}
    for unit in candidates:
        by_key.setdefault(_words(statements[min(unit)].name)[0].lower(), []).append(unit)
    keyed: dict[str, Group] = {}
    singles: list[frozenset[int]] = []
    for key, members in by_key.items():
        if len(members) >= 2:
            group = Group(key)
            groups.append(group)
            keyed[key] = group
            for unit in members:
                put(unit, group)
        else:
            for unit in members:
                (others if statements[min(unit)].name in subclassed else singles).append(unit)
    # Config groups count as keys too: "ClaudeProfile..." may be pinned, "ProfileSelection" not.
    for group in groups:
        if group.pinned:
            keyed.setdefault(group.name.lower(), group)

    # Single classes join the group they reference most (either way), then by a shared word.
    pending = sorted(singles, key=min)
    while pending:
        progress = False
        for unit in list(pending):
            best = _most_connected(graph, unit, assigned, exclude={id(shared)})
            if best is not None:
                put(unit, best)
                pending.remove(unit)
                progress = True
        if not progress:
            break
    for unit in list(pending):
        match = _by_word(statements[min(unit)].name, keyed)
        if match is not None:
            put(unit, match)
            pending.remove(unit)
    # Nothing links them to a group: classes that name each other form one (Deployment and its
    # ScheduleConfig, named after the one the others serve); a class alone stays in the section
    # of the file it sits in (between two classes of one group), else it is a shared one
    # (ApiResponse, ErrorResponse).
    for component in _components(graph, pending):
        if len(component) < 2:
            at = min(component[0])
            before = [g for i, g in sorted(assigned.items()) if i < at and g is not shared]
            after = [g for i, g in sorted(assigned.items()) if i > at and g is not shared]
            inside = before and after and before[-1] is after[0]
            put(component[0], before[-1] if inside else shared)
            continue
        indexes = frozenset(i for unit in component for i in unit)
        roots = [i for i in sorted(indexes) if not graph.users(i) & indexes] or [min(indexes)]
        group = Group(_snake(_words(statements[roots[0]].name)), named=True)
        groups.append(group)
        for unit in component:
            put(unit, group)

    # Shared candidates go where they are used: one group -> that group, several -> shared.
    _place_shared(graph, others, assigned, put, shared, keyed)

    # Statements that define nothing (X.model_rebuild(), register(X)) follow what they name.
    for statement in statements:
        if statement.kind == "definition" and statement.index not in assigned:
            deps = [i for i in graph.dependencies(statement.index) if i in assigned]
            put(frozenset({statement.index}), assigned[max(deps)] if deps else shared)

    groups = [g for g in groups if g.members or g.pinned]
    groups = _merge_cycles(graph, groups, notes)
    groups = _absorb_tiny(graph, groups, shared, notes)
    groups = _split_huge(graph, groups, shared, max_lines, notes)
    return [g for g in groups if g.members], notes


def _components(graph: ReferenceGraph, units: list[frozenset[int]]) -> list[list[frozenset[int]]]:
    """The units grouped by the references between them (either way), in file order."""
    unit_of = {i: unit for unit in units for i in unit}
    seen: set[frozenset[int]] = set()
    found = []
    for unit in sorted(units, key=min):
        if unit in seen:
            continue
        component, stack = [], [unit]
        seen.add(unit)
        while stack:
            current = stack.pop()
            component.append(current)
            for index in _edges(graph, current):
                other = unit_of.get(index)
                if other is not None and other not in seen:
                    seen.add(other)
                    stack.append(other)
        found.append(sorted(component, key=min))
    return found


def _units(graph: ReferenceGraph, definitions: list[TopLevel]) -> list[frozenset[int]]:
    """Definition statements that must stay together: those that bind the same name."""
    parent = {s.index: s.index for s in definitions}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_binder: dict[str, int] = {}
    for statement in definitions:
        for name in statement.defines:
            if name in first_binder:
                parent[find(statement.index)] = find(first_binder[name])
            else:
                first_binder[name] = statement.index
    units: dict[int, set[int]] = {}
    for statement in definitions:
        if statement.defines:
            units.setdefault(find(statement.index), set()).add(statement.index)
    return sorted((frozenset(u) for u in units.values()), key=min)


def _edges(graph: ReferenceGraph, unit: Iterable[int]) -> Iterable[int]:
    """Statements ``unit`` references and statements that reference it (any kind of use)."""
    members = set(unit)
    for index in members:
        yield from graph.dependencies(index)
    users = {user for index in members for user in graph.users(index)} - members
    yield from sorted(users)


def _most_connected(
    graph: ReferenceGraph, unit: frozenset[int], assigned: Mapping[int, Group], exclude: set[int]
) -> Group | None:
    counts: dict[int, int] = {}
    by_id: dict[int, Group] = {}
    for index in _edges(graph, unit):
        group = assigned.get(index)
        if group is not None and id(group) not in exclude:
            counts[id(group)] = counts.get(id(group), 0) + 1
            by_id[id(group)] = group
    if not counts:
        return None
    best = max(counts.values())
    return next(by_id[g] for g in counts if counts[g] == best)


def _by_word(name: str, keyed: Mapping[str, Group], *, skip_first: bool = True) -> Group | None:
    for word in _words(name)[1 if skip_first else 0 :]:
        for candidate in (
            word.lower(),
            word.lower().removesuffix("s"),
            word.lower().removesuffix("es"),
        ):
            if candidate in keyed:
                return keyed[candidate]
    return None


def _place_shared(
    graph: ReferenceGraph,
    others: list[frozenset[int]],
    assigned: dict[int, Group],
    put: Any,
    shared: Group,
    keyed: Mapping[str, Group],
) -> None:
    statements = graph.statements
    pending = list(others)
    waiting = {i for unit in pending for i in unit}
    while pending:
        progress = False
        for unit in list(pending):
            users = sorted(
                user
                for index in unit
                for user in graph.users(index)
                if user not in unit
                and statements[user].defines
                and statements[user].kind == "definition"
            )
            # Decide after its users: a helper used only by an enum that two groups use is shared, too.
            if any(u in waiting for u in users):
                continue
            pending.remove(unit)
            waiting.difference_update(unit)
            progress = True
            user_groups = {id(assigned[u]): assigned[u] for u in users}
            depends_on = {
                id(assigned[d]): assigned[d]
                for i in unit
                for d in graph.dependencies(i, frozenset({"runtime"}))
                if d in assigned and assigned[d] is not shared
            }
            if len(user_groups) == 1:
                put(unit, next(iter(user_groups.values())))
            elif len(depends_on) == 1:
                # It needs one group's definition at import time: living there avoids a cycle.
                put(unit, next(iter(depends_on.values())))
            elif not user_groups:
                put(unit, _by_word(statements[min(unit)].name, keyed, skip_first=False) or shared)
            else:
                put(unit, shared)
        if not progress:
            # Shared definitions that use each other in a circle: they all go to the shared module.
            for unit in pending:
                put(unit, shared)
            break


def _runtime_edges(
    graph: ReferenceGraph, groups: list[Group], *, deferring: bool = True
) -> dict[int, set[int]]:
    """Group position -> positions of the groups it must import at import time (without the
    Pydantic annotations that could be imported for type checkers only, when ``deferring``)."""
    where = {i: n for n, g in enumerate(groups) for i in g.members}
    owners = graph.defined_by()
    edges: dict[int, set[int]] = {n: set() for n in range(len(groups))}
    for index, position in where.items():
        user = graph.statements[index]
        for name, kinds in user.uses.items():
            for target in owners.get(name, ()):
                other = where.get(target)
                if other is None or other == position:
                    continue
                if import_kind(user, graph.statements[target], kinds) == "runtime" and not (
                    deferring and deferrable(user, kinds)
                ):
                    edges[position].add(other)
    return edges


def _defer_pydantic_cycles(
    graph: ReferenceGraph, groups: list[Group]
) -> tuple[frozenset[tuple[int, str]], list[str], dict[int, set[int]]]:
    """Pydantic annotations that would close an import cycle: imported for type checkers only,
    and their models rebuilt by ``__init__.py`` once every module is imported.

    Returns the deferred (statement, name) uses, the models to rebuild (in file order), and
    the import edges between groups (group position -> positions it imports).
    """
    where = {i: n for n, g in enumerate(groups) for i in g.members}
    owners = graph.defined_by()
    edges = _runtime_edges(graph, groups)  # what must be imported whatever happens
    deferred: set[tuple[int, str]] = set()
    for index in sorted(where):
        user = graph.statements[index]
        for name, kinds in sorted(user.uses.items()):
            targets = [where[t] for t in owners.get(name, ()) if t in where]
            if not targets or targets[0] == where[index] or not deferrable(user, kinds):
                continue
            source, target = where[index], targets[0]
            if target in edges[source]:
                continue
            if _reaches(edges, target, source):
                deferred.add((index, name))
            else:
                edges[source].add(target)
    # A model that names an incomplete model is incomplete until that one is rebuilt, too.
    incomplete = {index for index, _ in deferred}
    changed = True
    while changed:
        changed = False
        for statement in graph.statements:
            if (
                statement.is_pydantic
                and statement.index not in incomplete
                and graph.dependencies(statement.index) & incomplete
            ):
                incomplete.add(statement.index)
                changed = True
    rebuild = [graph.statements[i].name for i in sorted(incomplete)]
    return frozenset(deferred), rebuild, edges


def _rebuild_in_time(graph: ReferenceGraph, rebuild: list[str]) -> bool:
    """True when only classes and functions use the models to rebuild: nothing at module level
    (an instance, a ``model_rebuild()`` call) needs them before ``__init__.py`` rebuilds them."""
    names = set(rebuild)
    return not any(
        statement.uses.keys() & names
        for statement in graph.statements
        if not isinstance(statement.node, (cst.ClassDef, cst.FunctionDef))
    )


def _reaches(edges: Mapping[int, set[int]], start: int, goal: int) -> bool:
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for nxt in edges[node] - seen:
            seen.add(nxt)
            stack.append(nxt)
    return False


def _merge_cycles(
    graph: ReferenceGraph, groups: list[Group], notes: list[str], *, deferring: bool = True
) -> list[Group]:
    """Merge each set of groups that import each other into its largest member."""
    while True:
        edges = _runtime_edges(graph, groups, deferring=deferring)
        cycle = next((c for c in _strongly_connected(edges) if len(c) > 1), None)
        if cycle is None:
            return groups
        members = [groups[i] for i in sorted(cycle)]
        keep = max(members, key=lambda g: (g.pinned, _size(graph, g)))
        for group in members:
            if group is not keep:
                keep.members |= group.members
                group.members = set()
        names = sorted(g.name for g in members)
        notes.append(
            f"{', '.join(names[:-1])} and {names[-1]} import each other at import time, so they share one module"
        )
        groups = [g for g in groups if g.members or g.pinned]


def _strongly_connected(edges: Mapping[int, set[int]]) -> list[set[int]]:
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    found: list[set[int]] = []
    counter = 0

    def visit(node: int) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            found.append(component)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _absorb_tiny(
    graph: ReferenceGraph, groups: list[Group], shared: Group, notes: list[str]
) -> list[Group]:
    """A one-definition group of a few lines joins the group it is most connected to."""
    changed = True
    while changed:
        changed = False
        for group in groups:
            if (
                group.pinned
                or group is shared
                or len(group.members) != 1
                or _size(graph, group) >= _TINY_LINES
            ):
                continue
            assigned = {i: g for g in groups for i in g.members if g is not group}
            target = _most_connected(graph, frozenset(group.members), assigned, exclude=set())
            if target is None:
                continue
            target.members |= group.members
            group.members = set()
            groups = _merge_cycles(graph, [g for g in groups if g.members or g.pinned], notes)
            changed = True
            break
    return groups


def _split_huge(
    graph: ReferenceGraph, groups: list[Group], shared: Group, max_lines: int, notes: list[str]
) -> list[Group]:
    """A group over ``max-lines`` splits by its classes' two-word prefixes (AlphaPrompt*, AlphaUser*)."""
    for group in list(groups):
        if group.pinned or group is shared or _size(graph, group) <= max_lines:
            continue
        by_key: dict[tuple[str, ...], list[int]] = {}
        for index in sorted(group.members):
            words = _words(graph.statements[index].name) if graph.statements[index].is_class else []
            if len(words) >= 2:
                by_key.setdefault(tuple(w.lower() for w in words[:2]), []).append(index)
        parts = {key: members for key, members in by_key.items() if len(members) >= 2}
        if len(parts) < 2:
            continue
        keep = max(parts, key=lambda key: len(parts[key]))
        new_groups = {key: Group("_".join(key)) for key in parts if key != keep}
        for key, new in new_groups.items():
            new.members = set(parts[key])
            group.members -= new.members
            groups.append(new)
        # The rest (single classes, helpers) follow the part they are most connected to.
        placed = {i: g for g in [group, *new_groups.values()] for i in g.members}
        for index in sorted(group.members - set(parts[keep])):
            target = _most_connected(graph, frozenset({index}), placed, exclude=set())
            if target is not None and target is not group:
                group.members.discard(index)
                target.members.add(index)
                placed[index] = target
    return _merge_cycles(graph, [g for g in groups if g.members or g.pinned], notes)


def _size(graph: ReferenceGraph, group: Group) -> int:
    return sum(graph.statements[i].lines for i in group.members)


# ---------------------------------------------------------------- names and order


def _words(name: str) -> list[str]:
    if "_" in name.strip("_"):
        return [w for w in name.split("_") if w]
    return _WORD.findall(name)


def _snake(words: list[str]) -> str:
    return "_".join(w.lower() for w in words)


def _valid_module_name(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name) and name != "__init__"


def _name_groups(graph: ReferenceGraph, groups: list[Group], shared_name: str) -> None:
    """Name automatic groups after their members' longest shared name prefix (snake_case)."""
    # A submodule must not share its name with a name the package re-exports.
    header = {n for s in graph.statements if s.kind == "import" for n in s.defines}
    taken = (
        {g.name for g in groups if g.pinned} | {shared_name} | set(_defined_names(graph)) | header
    )
    for group in groups:
        if group.pinned or group.name == shared_name:
            continue
        if group.named and group.name not in taken and _valid_module_name(group.name):
            taken.add(group.name)
            continue
        names = [
            graph.statements[i].name for i in sorted(group.members) if graph.statements[i].is_class
        ]
        name = _common_prefix_name(names) or group.name
        if not _valid_module_name(name):
            name = f"{name}_models" if name.isidentifier() else "models_" + str(len(taken))
        base = name
        suffix = 2
        while name in taken:
            name = f"{base}_{suffix}"
            suffix += 1
        taken.add(name)
        group.name = name


def _common_prefix_name(names: list[str]) -> str | None:
    """The words most members start with: SSHKeyInfo, SSHKeyListResponse -> ssh_key."""
    members = [words for words in (_words(n) for n in names) if words]
    total = len(members)
    prefix: list[str] = []
    while members:
        counts: dict[str, int] = {}
        for words in members:
            if len(words) > len(prefix):
                counts[words[len(prefix)]] = counts.get(words[len(prefix)], 0) + 1
        if not counts:
            break
        word = max(counts, key=lambda w: counts[w])  # ties: the first seen, in file order
        # The first word always counts; a further one only when most of the group shares it.
        if prefix and (counts[word] < 2 or counts[word] * 2 <= total):
            break
        prefix.append(word)
        members = [
            words
            for words in members
            if len(words) >= len(prefix) and words[len(prefix) - 1] == word
        ]
    return _snake(prefix) if prefix else None


def _import_order(groups: list[Group], edges: Mapping[int, set[int]]) -> list[str]:
    """Group names, each after the groups it imports (ties: where its first definition was)."""
    remaining = set(range(len(groups)))
    order: list[str] = []
    while remaining:
        ready = [n for n in remaining if not (edges[n] & remaining)]
        if not ready:  # cannot happen after _merge_cycles; keep file order rather than loop
            ready = list(remaining)
        chosen = min(ready, key=lambda n: min(groups[n].members))
        order.append(groups[chosen].name)
        remaining.discard(chosen)
    return order


def _defined_names(graph: ReferenceGraph) -> list[str]:
    """Names the module's definitions bind, in the order they first appear."""
    names: dict[str, None] = {}
    for statement in graph.statements:
        if statement.kind == "definition":
            for name in sorted(statement.defines):
                names.setdefault(name)
    return list(names)


def _home(graph: ReferenceGraph, groups: Mapping[str, Group], name: str) -> str:
    owners = graph.defined_by().get(name, [])
    for group in groups.values():
        if owners and owners[-1] in group.members:
            return group.name
    raise SplitError(f"{name} has no new module")


def _import_name(index: ProjectIndex, path: str, module_name: str, graph: ReferenceGraph) -> str:
    """The name the project imports the module by: ``models`` when the app runs from backend/.

    The import roots may say ``backend.models`` while every importer writes ``from models
    import X`` (the server starts in backend/); the new package must be named as they import it.
    With no importer to go by, the module's own imports of its neighbours tell
    (``from database import Base`` next to ``database.py``).
    """
    parts = module_name.split(".")
    candidates = [".".join(parts[start:]) for start in range(len(parts))]
    counts = [len(_importers(index, path, candidate)) for candidate in candidates]
    if not any(counts):
        counts = [
            _neighbour_imports(index.project, path, graph, candidate) for candidate in candidates
        ]
    best = max(range(len(candidates)), key=lambda i: (counts[i], -i))
    return candidates[best]


def _root_folder(path: str, module_name: str) -> str:
    """The folder ``module_name`` is imported from, as a path prefix ("" or "backend/")."""
    folder = PurePosixPath(path).parent
    for _ in range(module_name.count(".")):
        folder = folder.parent
    return "" if folder == PurePosixPath(".") else folder.as_posix() + "/"


def _neighbour_imports(project: Project, path: str, graph: ReferenceGraph, candidate: str) -> int:
    """How many of the module's imports name a top-level module found in ``candidate``'s root."""
    root = _root_folder(path, candidate)
    found = 0
    for statement in graph.statements:
        if statement.kind != "import" or not isinstance(statement.node, cst.SimpleStatementLine):
            continue
        for small in statement.node.body:
            if (
                isinstance(small, cst.ImportFrom)
                and not small.relative
                and small.module is not None
            ):
                top = graph.module.code_for_node(small.module).split(".")[0]
            elif isinstance(small, cst.Import):
                top = graph.module.code_for_node(small.names[0].name).split(".")[0]
            else:
                continue
            if f"{root}{top}.py" in project.files or f"{root}{top}/__init__.py" in project.files:
                found += 1
    return found


def _importers(index: ProjectIndex, path: str, module_name: str) -> dict[str, Any]:
    """Project files that import the module -> what they use of it.

    Only files under the folder the name is imported from count: a second service's own
    ``models`` module in ``other_service/`` is another module. The index says which files
    import it; only those are parsed, to see what they use.
    """
    project = index.project
    root = _root_folder(path, module_name)
    importing = index.importers(module_name) | {
        p  # ``import app`` then ``app.models.X``
        for p in index.paths()
        if any(
            not alias and module_name.startswith(module + ".")
            for module, alias, _ in index.facts(p).plain_imports
        )
    }
    found = {}
    for other in sorted(importing):
        if other == path or not other.startswith(root):
            continue
        try:
            tree = project.parse(other)
        except cst.ParserSyntaxError:
            continue
        uses = importer_uses(tree, module_name, project.package_of(other))
        if uses is not None:
            found[other] = uses
    return found


def _explain(
    graph: ReferenceGraph,
    path: str,
    module_name: str,
    folder: str,
    order: list[str],
    groups: Mapping[str, Group],
    reexported: int,
    notes: list[str],
    rewritten: int,
    largest: str,
) -> str:
    definitions = [s for s in graph.statements if s.kind == "definition"]
    lines = [
        f"{path} had {len(definitions)} top-level definitions in one file. It becomes the package {folder}/: "
        f"{folder}/__init__.py re-exports all {reexported} names it offered, so `from {module_name} import X`, "
        f"`import {module_name}` and star imports keep working.",
        "Every definition moves verbatim (byte for byte, with the comments above it, in its original order); "
        "only the import lines at the top of each new module and __init__.py are new. "
        f"{folder}/{largest}.py continues {path} (a rename for git).",
    ]
    lines.extend(f"Merged: {note}." for note in notes)
    if rewritten:
        lines.append(
            f"{rewritten} import statement{'s' * (rewritten != 1)} in other files now name the new modules."
        )
    lines.append("Move map:")
    for name in order:
        moved = [
            graph.statements[i].name
            for i in sorted(groups[name].members)
            if graph.statements[i].defines
        ]
        lines.append(f"  {name}.py: {', '.join(moved)}")
    return "\n".join(lines)

"""Point imports at where their names went: moved modules, renamed packages, wrong modules.

## What it does

Finds imports of project modules that no longer exist (seed 002: ``backend/alembic/env.py``
still did ``from app.models.image import Image`` after ``image.py`` became ``model.py``, so
every migration died with ``ModuleNotFoundError: No module named 'app.models.image'``). It
looks at ``from app.models.image import Image``, ``import app.models.image`` (and ``as``),
``from app.models import image`` where ``app.models`` has no such submodule or attribute,
relative forms, and imports inside functions, ``if`` and ``try`` blocks. A project module is
one whose top-level package is a regular package (or module) of the project.

For each missing module it looks, in order:

1. in git history (``git log --diff-filter=R -M``, chains of renames followed): when the
   module's file was renamed and the new file still defines the imported names, every import
   of it is rewritten to the new module. When a class was renamed in the same commit
   (``Image`` became ``Model``: the old name is gone, exactly one new class appeared), the
   import becomes ``from app.models.model import Model as Image``, which keeps every use
   working; the fix is marked unsafe unless the two class bodies are identical apart from
   the name;
2. for a package git history shows renamed as a whole (several files of one folder renamed
   in one commit, ``backend/app/`` -> ``backend/service/``, ``myapp/`` -> ``my_app/``): every
   import of the old package, in alembic's ``env.py``, a legacy script or anywhere else, is
   rewritten to the same module under the new name (``from app.models import Base`` ->
   ``from service.models import Base``, ``import app.models.user`` and its dotted uses), as
   the importer resolves it from its own ``sys.path`` (alembic.ini's ``prepend_sys_path``);
3. in the importer's app: when every imported name is defined in exactly one module of it,
   the import is rewritten to that module (names split across modules get one import each).

Names imported from a module that exists but does not bind them (``from app.core.deps import
require_admin``, where only ``app.auth.permissions`` defines it) are placed the same way: a
package's own modules first (``app/models.py`` became ``app/models/``: ``from app.models
import User`` -> ``from app.models.user import User``), else the one module of the app. The
statement is split: the names the module does bind stay imported from it. Such an import is
broken beyond doubt only when the module makes no names at run time (a module
``__getattr__``, writes to ``globals()``, a ``.pyi`` stub, a star import) and no other file
writes the name into it (``base.dialect = dialect``).

### The rule for a redirect found by searching the app

A definer is a top-level ``class``, ``def`` or assignment of the name of the module's own
(a re-export is not one), in a file the importer reaches on its own ``sys.path`` as that very
module: another app of the repository (its own import root) is never searched. Exactly one
definer is required; several are reported with their modules, paths and lines, none with the
other apps that define it. With no rename in git history behind it, the redirect is safe
only when all of these hold, and unsafe (``--unsafe-fixes``, the reasons in its
explanation) otherwise:

- the definer is in the same top-level package as the broken import (``app.core.deps`` ->
  ``app.auth.permissions``; a search that crosses into another package tree is unsafe);
- it is not in a test, bench or example folder (``tests/``, ``bench/``, ``examples/``,
  ``docs_src/``; ``test_*.py``, ``conftest.py``);
- no native extension (``.pyx``, ``.so``, ``.pyd``) of that package is named like the name
  or the missing module: SQLAlchemy's perf script imports the removed ``cimmutabledict``,
  whose only Python definition is the pure-Python twin of ``cyextension/immutabledict.pyx``;
  redirecting it would change what the benchmark measures;
- its kind fits the uses: a class where the name is subclassed; a class or function where it
  is called or handed to ``Depends``/``Security``; anything where it is only read.

A suggestion ("did you mean") names only a close spelling (``difflib`` ratio >= 0.85) of the
same kind (a class for a class, a function for a function), never an unrelated function.

When ``app/models.py`` became the package ``app/models/`` and ``from app.models import User``
fails, a name defined in exactly one of the package's modules is imported from there
(``from app.models.user import User``).

String references (``relationship("app.models.image.Image")``, ``mock.patch(...)``) in the
same app are rewritten with the imports. Each fix names the commit of the rename or the
file and line each name was found in.

A model module that alembic's ``env.py`` never imports (seed 002's missing ``from
app.models.artifact import Artifact``) is ``model-registry``'s business.

## What it won't touch

- ``try: ... except ImportError`` (or ``ModuleNotFoundError``, ``Exception``, a bare
  ``except``) and ``with suppress(ImportError)`` fallbacks: they expect the import to fail.
- A name defined in several modules of the app is reported with the candidates; one defined
  only in another app is never imported from there; a name the app defines nowhere is
  ``deleted-classes``' business (it restores it from history, or reports it). A star import
  or ``import app.models.image`` without attribute uses can only follow a rename.
- A class renamed with its module but used as ``module.Image`` (not through a ``from``
  import), ``import app`` of a renamed top-level package used as ``app.x``, and any form
  ``rewrite_imports`` cannot rewrite safely, is reported or left alone.
- Namespace packages (no ``__init__.py``) are not treated as project packages: the folder
  ``alembic/`` next to ``app/`` must not make ``from alembic import context`` look broken.

## Example

```diff
 # backend/alembic/env.py; app/models/image.py was renamed to app/models/model.py
-from app.models.image import Image
+from app.models.model import Model as Image
 from app.models.release import Release
```

## References

- Python's import system: https://docs.python.org/3/reference/import.html
- ``git log -M`` rename detection: https://git-scm.com/docs/git-log#Documentation/git-log.txt--Mltngt
- Alembic autogenerate and ``target_metadata``: https://alembic.sqlalchemy.org/en/latest/autogenerate.html
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from fixup.apps import package_dirs
from fixup.codemods.nodes import code, dotted_name, walk
from fixup.codemods.rewrite_imports import ModuleMove, RewriteError, rewrite_references
from fixup.codemods.sqlalchemy_models import fingerprint
from fixup.fix import Diagnostic, FileChange, Fix, Plan, Provenance
from fixup.fixers import FixerContext
from fixup.fixers._definers import (
    Definer,
    did_you_mean,
    extension_twin,
    in_app,
    outside_app_code,
)
from fixup.history import History, HistoryCommit, HistoryError, Rename
from fixup.index import ProjectIndex, absolute_module
from fixup.project import Project, stdlib_names

ORDER = 35
NAME = __name__.rpartition(".")[2].replace("_", "-")

#: Calls whose first argument is a callable the framework calls (FastAPI's dependencies).
_DEPENDENCY_MARKERS = frozenset({"Depends", "Security"})

#: Exceptions whose handler makes a ``try`` an import fallback.
_FALLBACK_EXCEPTIONS = frozenset(
    {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
)


@dataclass(frozen=True)
class BrokenImport:
    """One import statement naming a module that does not exist."""

    path: str
    line: int
    #: The absolute name of the missing module the statement imports.
    module: str
    #: The names it needs from the module; None when they cannot be known (a star import).
    names: tuple[str, ...] | None
    statement: str
    #: ``from app.models import X`` where the package has neither X nor a module X: a module
    #: git saw renamed, or a name that went into one of the package's modules; anything else
    #: is deleted-classes' business.
    submodule_only: bool = False
    #: (imported name, the kind its uses need: "class" when subclassed, "callable" when
    #: called or handed to ``Depends``, "" when only read as a value).
    needs: tuple[tuple[str, str], ...] = ()


@dataclass
class _Destination:
    """Where a missing module's names went, as far as fixup could tell."""

    new: str | None = None
    elsewhere: dict[str, str] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)
    provenance: list[Provenance] = field(default_factory=list)
    #: Why names could not be placed (any reason blocks the fix).
    reasons: list[str] = field(default_factory=list)
    #: What was tried and did not pan out, said when the fix is blocked.
    notes: list[str] = field(default_factory=list)
    #: False when a class rename was recognised only by elimination.
    safe: bool = True
    via_git: bool = False
    #: The old module still exists as a package; only some names moved into its modules.
    moved_into_package: bool = False
    #: Why a redirect found by searching the app is not safe (said in the explanation).
    doubts: list[str] = field(default_factory=list)
    #: The reason, by name, that a name could not be placed (for one diagnostic per import).
    reasons_by_name: dict[str, str] = field(default_factory=dict)
    #: Names no module of the importers' app defines.
    absent: set[str] = field(default_factory=set)
    #: A package rename in git history placed the module.
    package_rename: PackageRename | None = None
    #: The module exists and stays imported; only names it never bound go elsewhere.
    module_exists: bool = False


def plan(ctx: FixerContext) -> Iterator[Fix | Diagnostic]:
    """Yield each fix before planning the next: two may edit the same file, and the next is
    planned on ``ctx.project``, which holds every fix the pipeline accepted so far."""
    project = ctx.project
    #: Collects what the helpers report; drained into the yield stream as it fills.
    out = Plan()
    index = ctx.index
    past = ctx.history if ctx.history.available else None
    renamed = (
        _package_renames(project, past)
        if past is not None and _may_import_a_renamed_package(project, index)
        else ()
    )
    modules = _Modules(project, index, renamed)
    broken: dict[str, list[BrokenImport]] = {}
    fallback_files: set[str] = set()
    for path in project.python_files():
        if not modules.imports_missing(path):
            continue
        try:
            module = project.parse(path)
        except cst.ParserSyntaxError:
            continue  # reported by the pipeline
        finder = _ImportFinder(modules, path)
        MetadataWrapper(module, unsafe_skip_copy=True).visit(finder)
        for found in finder.broken:
            broken.setdefault(found.module, []).append(found)
        if finder.fallbacks:
            fallback_files.add(path)

    if broken and past is not None:
        renames = past.renames()
        if isinstance(renames, HistoryError):
            yield Diagnostic(renames.reason, fixer=NAME, severity="warning")
    for rename in renamed:
        for old, sites, destination in list(_package_fixes(project, rename, broken)):
            fix = _build_fix(ctx.project, old, sites, destination, fallback_files, out)
            yield from _drain(out)
            if fix is not None:
                yield fix
    names_in_packages: dict[str, list[BrokenImport]] = {}
    for old in sorted(broken):
        sites = broken[old]
        if all(site.submodule_only for site in sites):
            chain = _rename_chain(project, past, old) if past is not None else ()
            if not chain:
                # `from app.models import User`, app/models.py now a package: maybe the name
                # went to one of its modules; otherwise it is deleted-classes' business.
                names_in_packages.setdefault(old.rpartition(".")[0], []).extend(sites)
                continue
        # ctx.project and ctx.index hold every fix the pipeline accepted so far.
        destination = _destination(ctx.index, past, old, sites, renamed)
        fix = _build_fix(ctx.project, old, sites, destination, fallback_files, out)
        yield from _drain(out)
        if fix is not None:
            yield fix
    for package, sites in sorted(names_in_packages.items()):
        moved = _names_in_package(ctx.project, package, sites, index, out)
        if moved is not None:
            fix = _build_fix(ctx.project, package, sites, moved, fallback_files, out)
            if fix is not None:
                yield from _drain(out)
                yield fix
        yield from _drain(out)


def _package_fixes(
    project: Project,
    rename: PackageRename,
    broken: dict[str, list[BrokenImport]],
) -> Iterator[tuple[str, list[BrokenImport], _Destination]]:
    """The imports of a package git history shows renamed as a whole, taken out of ``broken``
    and grouped by the old package's modules (``app.models`` for ``app.models.user``: a dotted
    name, so that ``app.models.user.User`` is rewritten with its import): (old module, its
    sites, where it went) for each. Each old module maps to the same name under the new
    package, which must exist; a module that does not is placed on its own, as any other."""
    groups: dict[str, list[str]] = {}
    for module in broken:
        if module != rename.old and not module.startswith(rename.old + "."):
            continue
        sites = broken[module]
        existing = module.rpartition(".")[0] if all(s.submodule_only for s in sites) else module
        if not _exists(project, rename.new + existing[len(rename.old) :]):
            continue
        if module == rename.old and any(s.statement.startswith("import ") for s in sites):
            continue  # `import app` then `app.x`: a bare name the rewrite does not follow
        depth = rename.old.count(".") + 2
        group = ".".join(module.split(".")[:depth]) if existing != rename.old else rename.old
        groups.setdefault(group, []).append(module)
    for group, modules in sorted(groups.items()):
        new = rename.new + group[len(rename.old) :]
        if not _exists(project, new):
            continue
        sites = [site for module in modules for site in broken.pop(module)]
        destination = _Destination()
        _follow_package_rename(project, (rename,), group, destination)
        yield group, sites, destination


def _drain(out: Plan) -> Iterator[Diagnostic]:
    yield from out.diagnostics
    out.diagnostics.clear()


def _names_in_package(
    project: Project, package: str, sites: list[BrokenImport], index: ProjectIndex, out: Plan
) -> _Destination | None:
    """Names imported from an existing module that does not bind them: a package that defines
    them in exactly one of its own modules (``app/models.py`` became ``app/models/``), else the
    one module of the importer's app that defines them (the name was always somewhere else).
    A name the app defines nowhere is deleted-classes' business."""
    found = _Destination(new=package, moved_into_package=True)
    searched: dict[str, list[BrokenImport]] = {}
    for site in sites:
        name = site.module.rpartition(".")[2]
        if name in found.elsewhere:
            continue
        candidates = [
            m for m in index.modules_defining(name, package) if m.startswith(package + ".")
        ]
        if len(candidates) == 1:
            found.elsewhere[name] = candidates[0]
            path = project.resolve(candidates[0]) or candidates[0]
            found.provenance.append(Provenance(f"`{name}` is defined in {path}", path=path))
        elif candidates:
            out.diagnostics.append(
                Diagnostic(
                    f"`{site.statement}`: {package} does not define `{name}`, and several of its "
                    f"modules do: {', '.join(candidates)}",
                    path=site.path,
                    line=site.line,
                    fixer=NAME,
                )
            )
        else:
            searched.setdefault(name, []).append(site)
    # `base.dialect = dialect` in another file (sqlalchemy's sqlite package): the name is
    # written into the module when its package is imported, so the import works.
    written = {
        tuple(chain.rsplit(".", 2)[-2:])
        for path in index.paths()
        for chain in index.facts(path).imports.attribute_writes
        if "." in chain
    }
    last = package.rpartition(".")[2]
    searched = {n: s for n, s in searched.items() if (last, n) not in written}
    if searched:
        in_app = _Destination(new=package, module_exists=True)
        for name, name_sites in searched.items():
            _search_app(index, package, name, name_sites, in_app, silent_when_absent=True)
        for site in sites:
            name = site.module.rpartition(".")[2]
            if name in in_app.reasons_by_name:
                # A name the app defines nowhere is deleted-classes' error; here only a note.
                out.diagnostics.append(
                    Diagnostic(
                        f"`{site.statement}`: {package} does not define `{name}`, and "
                        f"{in_app.reasons_by_name[name]}: not redirected",
                        path=site.path,
                        line=site.line,
                        fixer=NAME,
                        severity="info" if name in in_app.absent else "warning",
                    )
                )
        if in_app.elsewhere and not found.elsewhere:
            return in_app
        if in_app.elsewhere:
            # Both kinds at once: the package's own modules first; the rest on the next run.
            out.diagnostics.append(
                Diagnostic(
                    f"{', '.join(sorted(in_app.elsewhere))}: imported from {package}, which does "
                    "not define them; run fixup again once its package imports are repaired",
                    fixer=NAME,
                    severity="info",
                )
            )
    return found if found.elsewhere else None


# ---------------------------------------------------------------- finding broken imports


class _Modules:
    """The project's modules as this fixer asks about them, answers cached for the run."""

    def __init__(
        self, project: Project, index: ProjectIndex, renamed: tuple[PackageRename, ...] = ()
    ) -> None:
        self.project = project
        self.index = index
        modules = project.modules()
        #: Top-level names that are the project's own regular packages or modules, and the
        #: old names of packages git history shows renamed (``app`` after ``app/`` became
        #: ``service/``).
        self.tops = frozenset(
            name for name in modules if "." not in name and name not in stdlib_names()
        ) | frozenset(r.old.split(".")[0] for r in renamed)

    def exists(self, module: str) -> bool:
        return _exists(self.project, module)

    def bindings(self, module: str, importer: str) -> set[str] | None:
        """The names the file ``importer`` reaches as ``module`` binds at the top level; None
        when any name may exist there (names made at run time: a module ``__getattr__``,
        ``globals()`` writes, a ``.pyi`` stub; a star import; a file that does not parse)."""
        path = self.project.resolve_from(importer, module)
        if path is None or path not in self.index:
            return None
        facts = self.index.facts(path)
        if facts.syntax_error or self.index.runtime_names(path) or facts.bindings.star_imports:
            return None
        return set(facts.bindings.names)

    def missing_in(
        self, path: str, package: str | None, node: cst.Import | cst.ImportFrom
    ) -> Iterator[tuple[str, cst.ImportAlias | None, bool]]:
        """(missing module, the alias naming it or None for the ``from`` module, whether it is
        only a name of an existing package) for each missing project module ``node`` imports."""
        if isinstance(node, cst.Import):
            for alias in node.names:
                name = code(alias.name)
                if name.split(".")[0] in self.tops and not self.exists(name):
                    yield name, alias, False
            return
        written = code(node.module) if node.module else None
        source = absolute_module(package, len(node.relative), written)
        if source is None or source.split(".")[0] not in self.tops:
            return
        if not self.exists(source):
            yield source, None, False
            return
        if isinstance(node.names, cst.ImportStar):
            return
        # `from app.models import image`: a submodule that is gone, if the package does not
        # define the name either.
        bindings = self.bindings(source, path)
        if bindings is None:
            return
        for alias in node.names:
            name = code(alias.name)
            if name not in bindings and not self.exists(f"{source}.{name}"):
                yield f"{source}.{name}", alias, True

    def imports_missing(self, path: str) -> bool:
        """The index's answer: does the file import a project module that does not exist (or
        a name a package neither binds nor has as a submodule)? Only those files are parsed."""
        facts = self.index.facts(path)
        if facts.error:
            return False  # reported by the pipeline
        for module, _, _ in facts.plain_imports:
            if module.split(".")[0] in self.tops and not self.exists(module):
                return True
        package = self.project.package_of(path)
        for level, module, name, _, _ in facts.imports.from_imports:
            source = absolute_module(package, level, module)
            if source is None or source.split(".")[0] not in self.tops:
                continue
            if not self.exists(source):
                return True
            if name == "*":
                continue
            bindings = self.bindings(source, path)
            if (
                bindings is not None
                and name not in bindings
                and not self.exists(f"{source}.{name}")
            ):
                return True
        return False


def _exists(project: Project, module: str) -> bool:
    return module in project.modules() or project.module_exists(module)


class _ImportFinder(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, modules: _Modules, path: str) -> None:
        super().__init__()
        self.modules = modules
        self.path = path
        self.package = modules.project.package_of(path)
        self.broken: list[BrokenImport] = []
        self.fallbacks = False
        self._in_fallback = False
        self._attributes: set[str] | None = None
        self._uses: dict[str, str] | None = None
        self._module: cst.Module | None = None

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node

    def visit_Try(self, node: cst.Try) -> bool:
        if not _is_fallback(node):
            return True
        outer, self._in_fallback = self._in_fallback, True
        node.body.visit(self)
        self._in_fallback = outer
        for handler in node.handlers:
            handler.visit(self)
        if node.orelse is not None:
            node.orelse.visit(self)
        if node.finalbody is not None:
            node.finalbody.visit(self)
        return False

    def visit_With(self, node: cst.With) -> bool:
        suppressed = any(
            isinstance(item.item, cst.Call)
            and (dotted_name(item.item.func) or "").rpartition(".")[2] == "suppress"
            and any(_exception_names(arg.value) & _FALLBACK_EXCEPTIONS for arg in item.item.args)
            for item in node.items
        )
        if not suppressed:
            return True
        outer, self._in_fallback = self._in_fallback, True
        node.body.visit(self)
        self._in_fallback = outer
        return False

    def visit_Import(self, node: cst.Import) -> None:
        for module, alias, _ in self.modules.missing_in(self.path, self.package, node):
            assert alias is not None
            prefix = code(alias.asname.name) if alias.asname else module
            self._report(node, module, self._attributes_of(prefix))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        for module, alias, submodule_only in self.modules.missing_in(self.path, self.package, node):
            if alias is None:
                if isinstance(node.names, cst.ImportStar):
                    self._report(node, module, None)
                    continue
                names = tuple(code(a.name) for a in node.names)
                needs = tuple((code(a.name), self._need(_local(a))) for a in node.names)
                self._report(node, module, names, needs=needs)
            else:
                local = _local(alias)
                needs = ((code(alias.name), self._need(local)),)
                self._report(node, module, self._attributes_of(local), submodule_only, needs)

    def _attributes_of(self, prefix: str) -> tuple[str, ...] | None:
        """The names the file reads as ``prefix.<name>``; None when it reads none."""
        uses = {
            dotted[len(prefix) + 1 :].split(".")[0]
            for dotted in self._dotted_uses()
            if dotted.startswith(prefix + ".")
        }
        return tuple(sorted(uses)) or None

    def _report(
        self,
        node: cst.CSTNode,
        module: str,
        names: tuple[str, ...] | None,
        submodule_only: bool = False,
        needs: tuple[tuple[str, str], ...] = (),
    ) -> None:
        if self._in_fallback:
            self.fallbacks = True
            return
        line = self.get_metadata(PositionProvider, node).start.line
        statement = " ".join(code(node).split())
        self.broken.append(
            BrokenImport(self.path, line, module, names, statement, submodule_only, needs)
        )

    def _need(self, local: str) -> str:
        """What the file's uses of ``local`` need it to be: "class" (a base class),
        "callable" (called, or handed to ``Depends``/``Security``), or "" (a value)."""
        if self._uses is None:
            assert self._module is not None
            self._uses = {}
            for node in walk(self._module):
                if isinstance(node, cst.ClassDef):
                    for base in node.bases:
                        if isinstance(base.value, cst.Name):
                            self._uses[base.value.value] = "class"
                elif isinstance(node, cst.Call):
                    if isinstance(node.func, cst.Name):
                        self._uses.setdefault(node.func.value, "callable")
                    if (dotted_name(node.func) or "").rpartition(".")[2] in _DEPENDENCY_MARKERS:
                        for arg in node.args[:1]:
                            if isinstance(arg.value, cst.Name):
                                self._uses.setdefault(arg.value.value, "callable")
        return self._uses.get(local, "")

    def _dotted_uses(self) -> set[str]:
        if self._attributes is None:
            assert self._module is not None
            self._attributes = set()
            for node in walk(self._module):
                if isinstance(node, cst.Attribute):
                    dotted = dotted_name(node)
                    if dotted:
                        self._attributes.add(dotted)
        return self._attributes


def _local(alias: cst.ImportAlias) -> str:
    return code(alias.asname.name) if alias.asname else code(alias.name)


def _is_fallback(node: cst.Try) -> bool:
    for handler in node.handlers:
        if handler.type is None or _exception_names(handler.type) & _FALLBACK_EXCEPTIONS:
            return True
    return False


def _exception_names(node: cst.BaseExpression) -> set[str]:
    if isinstance(node, cst.Tuple):
        return {n for e in node.elements for n in _exception_names(e.value)}
    dotted = dotted_name(node)
    return {dotted.rpartition(".")[2]} if dotted else set()


# ---------------------------------------------------------------- what modules define


# ---------------------------------------------------------------- where the names went


def _destination(
    index: ProjectIndex,
    past: History | None,
    old: str,
    sites: list[BrokenImport],
    renamed: tuple[PackageRename, ...] = (),
) -> _Destination:
    project = index.project
    names = _needed_names(sites)
    found = _Destination()
    unresolved: list[str] = list(names or ())
    if past is not None:
        chain = _rename_chain(project, past, old)
        if chain:
            _follow_git(index, past, chain, old, names, found)
        if found.new is None:
            _follow_package_rename(project, renamed, old, found)
        if found.new is not None:
            bindings = index.module_bindings(found.new)
            unresolved = [
                n
                for n in names or ()
                if n not in found.renamed
                and bindings is not None
                and n not in bindings
                and not _exists(project, f"{found.new}.{n}")
            ]
    elif not names:
        found.reasons.append("not a git repository, so fixup cannot follow a rename")
    if found.new is not None and not unresolved:
        return found
    if names is None:
        if found.new is None:
            found.reasons.append(
                "the import does not say which names it needs (a star import, or a module "
                "imported without attribute uses), so only a rename in git history could place it"
            )
        return found
    for name in unresolved:
        _search_app(index, old, name, sites, found)
    found.reasons.extend(found.reasons_by_name[n] for n in unresolved if n in found.reasons_by_name)
    if found.new is None and found.elsewhere:
        found.new = Counter(found.elsewhere.values()).most_common(1)[0][0]
    found.elsewhere = {n: m for n, m in found.elsewhere.items() if m != found.new}
    return found


def _search_app(
    index: ProjectIndex,
    old: str,
    name: str,
    sites: list[BrokenImport],
    found: _Destination,
    *,
    silent_when_absent: bool = False,
) -> None:
    """Place ``name``, which ``old`` does not give, by the one module of the importers' app
    that defines it. The redirect is safe when that definition is a real one of the kind the
    uses need, in the same package tree, outside test/bench/example folders, with no native
    extension that may be what the import meant; otherwise it is unsafe (``found.doubts``).
    No definer, or several, is a reason (``found.reasons_by_name``)."""
    project = index.project
    users = [
        s for s in sites if s.names is None or name in s.names or s.module.endswith("." + name)
    ]
    answers = {}
    elsewhere: list[Definer] = []
    for site in users or sites:
        mine, others = in_app(index, site.path, name)
        answers[site.path] = tuple(d for d in mine if d.module != old)
        elsewhere.extend(others)
    reached = set(answers.values())
    if len(reached) > 1:
        found.reasons_by_name[name] = (
            f"its importers reach different definitions of `{name}` (they run in different apps)"
        )
        return
    candidates = list(reached.pop()) if reached else []
    if len(candidates) > 1:
        found.reasons_by_name[name] = f"`{name}` is defined in several modules of this app: " + (
            ", ".join(d.where for d in candidates)
        )
        return
    if not candidates:
        found.absent.add(name)
        if silent_when_absent and not elsewhere:
            return
        if elsewhere:
            found.reasons_by_name[name] = (
                f"`{name}` is defined only in other apps, which this file does not import: "
                + ", ".join(sorted({d.where for d in elsewhere}))
            )
        else:
            found.reasons_by_name[name] = f"no project module defines `{name}`" + did_you_mean(
                name, _names_near(index, old)
            )
        return
    [definer] = candidates
    found.elsewhere[name] = definer.module
    found.provenance.append(
        Provenance(f"`{name}` is defined in {definer.path}:{definer.line}", path=definer.path)
    )
    needs = {need for s in sites for n, need in s.needs if n == name}
    doubts = []
    if definer.module.split(".")[0] != old.split(".")[0]:
        doubts.append(f"`{name}` was found in another package tree ({definer.module})")
    if outside_app_code(definer.path):
        doubts.append(f"`{name}` is defined in a test, bench or example file ({definer.path})")
    twin = extension_twin(project.extensions, old, name)
    if twin is not None:
        doubts.append(f"the native extension {twin} may be what the import meant")
    wrong = [need for need in needs if not _satisfies(definer.kind, need)]
    if wrong:
        doubts.append(
            f"`{name}` is used as a {wrong[0]} but {definer.path}:{definer.line} defines it by "
            f"{'an assignment' if definer.kind == 'assign' else 'a ' + definer.kind}"
        )
    if doubts and not found.via_git:
        found.safe = False
        found.doubts.extend(doubts)


def _satisfies(kind: str, need: str) -> bool:
    if need == "class":
        return kind == "class"
    if need == "callable":
        return kind in ("class", "function")
    return True


def _names_near(index: ProjectIndex, old: str) -> dict[str, str]:
    """Every top-level definition of the package tree ``old`` belongs to: name -> kind."""
    top = old.split(".")[0]
    known: dict[str, str] = {}
    for path in index.paths():
        module = index.project.module_name(path)
        if module is not None and (module == top or module.startswith(top + ".")):
            for definition in index.facts(path).definitions:
                known.setdefault(definition.name, definition.kind)
    return known


def _needed_names(sites: list[BrokenImport]) -> tuple[str, ...] | None:
    names: dict[str, None] = {}
    for site in sites:
        if site.names is None:
            return None
        names.update(dict.fromkeys(site.names))
    return tuple(names)


@dataclass(frozen=True)
class PackageRename:
    """A package git history shows renamed as a whole: many files of one folder moved to
    another folder in one commit (``backend/app/`` -> ``backend/service/``)."""

    #: The dotted names before and after, from the same import root (``app`` -> ``service``).
    old: str
    new: str
    old_folder: str
    new_folder: str
    files: int
    commit: HistoryCommit


def _may_import_a_renamed_package(project: Project, index: ProjectIndex) -> bool:
    """The cheap gate before reading every rename in history: does a file import ``T.x`` where
    ``T`` is no module of the project (nor the standard library) and ``x`` is a module of one
    of the project's top-level packages (``app.models`` while ``service.models`` exists)?"""
    modules = project.modules()
    stdlib = stdlib_names()
    below_tops = {name.partition(".")[2] for name in modules if name.count(".") == 1}
    for path in index.paths():
        facts = index.facts(path)
        dotted = [m for m, _, _ in facts.plain_imports]
        dotted += [f"{m}.{n}" for level, m, n, _, _ in facts.imports.from_imports if not level]
        for module in dotted:
            top, _, rest = module.partition(".")
            if (
                rest
                and rest.partition(".")[0] in below_tops
                and top not in modules
                and top not in stdlib
            ):
                return True
    return False


def _package_renames(project: Project, past: History) -> tuple[PackageRename, ...]:
    """The package renames in history whose new folder is a package of the project now and
    whose old folder is gone: at least two files of the folder renamed in the same commit,
    keeping their paths below it."""
    found = past.renames()
    if isinstance(found, HistoryError):
        return ()
    moves: dict[tuple[str, str, str], list[Rename]] = {}
    for rename in found:
        before = PurePosixPath(past.project_path(rename.old) or rename.old).parts
        after = PurePosixPath(past.project_path(rename.new) or rename.new).parts
        same = 0
        while same < min(len(before), len(after)) - 1 and before[-1 - same] == after[-1 - same]:
            same += 1
        if same == 0:
            continue  # the file's own name changed: not a folder move
        key = (
            "/".join(before[: len(before) - same]),
            "/".join(after[: len(after) - same]),
            rename.commit.sha,
        )
        moves.setdefault(key, []).append(rename)
    folders = package_dirs(project.files)
    result = []
    for (old_folder, new_folder, _), group in moves.items():
        if len(group) < 2 or new_folder not in folders or old_folder in folders:
            continue
        root = project.import_root(f"{new_folder}/__init__.py")
        new = project.module_name(f"{new_folder}/__init__.py")
        if root is None or new is None:
            continue
        below = old_folder[len(root) + 1 :] if root else old_folder
        if root and not old_folder.startswith(root + "/"):
            continue
        old = below.replace("/", ".")
        if not old or old == new or _exists(project, old):
            continue
        result.append(PackageRename(old, new, old_folder, new_folder, len(group), group[0].commit))
    # The longest old name first: `app.api` before `app`.
    return tuple(sorted(result, key=lambda r: -len(r.old)))


def _follow_package_rename(
    project: Project, renamed: tuple[PackageRename, ...], old: str, found: _Destination
) -> None:
    for rename in renamed:
        if old != rename.old and not old.startswith(rename.old + "."):
            continue
        new = rename.new + old[len(rename.old) :]
        if not _exists(project, new):
            found.notes.append(
                f"git history shows the package {rename.old_folder} renamed to "
                f"{rename.new_folder}, which has no module {new}"
            )
            return
        found.new = new
        found.via_git = True
        found.package_rename = rename
        commit = rename.commit
        found.provenance.append(
            Provenance(
                f"the package {rename.old_folder}/ was renamed to {rename.new_folder}/ "
                f"({rename.files} files) in {commit.sha[:7]} '{commit.subject}' "
                f"({commit.date[:10]}, {commit.author})",
                commit=commit.sha,
                path=rename.new_folder,
                date=commit.date,
                author=commit.author,
                subject=commit.subject,
            )
        )
        return


def _rename_chain(project: Project, past: History, old: str) -> tuple[Rename, ...]:
    relative = old.replace(".", "/")
    for root in project.roots.paths:
        base = f"{root}/{relative}" if root else relative
        for candidate in (f"{base}.py", f"{base}/__init__.py"):
            chain = past.where_path_went(candidate)
            if chain and not isinstance(chain, HistoryError):
                return chain
    return ()


def _follow_git(
    index: ProjectIndex,
    past: History,
    chain: tuple[Rename, ...],
    old: str,
    names: tuple[str, ...] | None,
    found: _Destination,
) -> None:
    project = index.project
    final = past.project_path(chain[-1].new)
    new = project.module_name(final) if final is not None and final in project.files else None
    first = past.project_path(chain[0].old) or chain[0].old
    if new is None:
        found.notes.append(
            f"git history shows {first} renamed to {chain[-1].new}, which no longer exists"
        )
        return
    found.new = new
    found.via_git = True
    for step in chain:
        found.provenance.append(
            Provenance(
                f"{past.project_path(step.old) or step.old} was renamed to "
                f"{past.project_path(step.new) or step.new} in {step.commit.sha[:7]} "
                f"'{step.commit.subject}' ({step.commit.date[:10]}, {step.commit.author})",
                commit=step.commit.sha,
                path=past.project_path(step.new) or step.new,
                date=step.commit.date,
                author=step.commit.author,
                subject=step.commit.subject,
            )
        )
    bindings = index.module_bindings(new)
    if bindings is None or names is None:
        return
    missing = [n for n in names if n not in bindings and not _exists(project, f"{new}.{n}")]
    if missing:
        _class_renames(past, chain, missing, bindings, found)


def _class_renames(
    past: History,
    chain: tuple[Rename, ...],
    missing: list[str],
    bindings: set[str],
    found: _Destination,
) -> None:
    """Classes renamed along with their module, recognised conservatively.

    At each rename the old name must disappear and exactly one new class appear; identical
    bodies (apart from the name) make the rename certain, otherwise the fix is unsafe.
    """
    blobs = list(past.blobs([b for step in chain for b in (step.old_blob, step.new_blob)]))
    try:
        trees = [
            cst.parse_module(data.decode("utf-8"))
            for data in blobs
            if not isinstance(data, HistoryError)
        ]
    except (UnicodeDecodeError, cst.ParserSyntaxError):
        return
    if len(trees) != 2 * len(chain):
        return  # git could not give every version
    for name in missing:
        current, identical = name, True
        for i in range(len(chain)):
            before = _classes(trees[2 * i])
            after = _classes(trees[2 * i + 1])
            if current not in before or current in after:
                break
            appeared = [c for c in after if c not in before]
            if len(appeared) != 1:
                break
            renamed_to = appeared[0]
            as_new = before[current].with_changes(name=cst.Name(renamed_to))
            identical = identical and fingerprint(as_new) == fingerprint(after[renamed_to])
            current = renamed_to
        else:
            if current != name and current in bindings:
                found.renamed[name] = current
                found.safe = found.safe and identical
                verdict = (
                    "identical apart from the name"
                    if identical
                    else "recognised only because it is the one class that appeared (unsafe)"
                )
                found.provenance.append(
                    Provenance(f"class `{name}` became `{current}` in the rename: {verdict}")
                )


def _classes(module: cst.Module) -> dict[str, cst.ClassDef]:
    return {s.name.value: s for s in module.body if isinstance(s, cst.ClassDef)}


# ---------------------------------------------------------------- the fix


def _build_fix(
    project: Project,
    old: str,
    sites: list[BrokenImport],
    destination: _Destination,
    fallback_files: set[str],
    out: Plan,
) -> Fix | None:
    if destination.new is None or destination.reasons:
        reasons = "; ".join(destination.notes + destination.reasons) or "fixup found no trace of it"
        for site in sites:
            out.diagnostics.append(
                Diagnostic(
                    f"`{site.statement}`: no module `{old}`, and {reasons}",
                    path=site.path,
                    line=site.line,
                    fixer=NAME,
                )
            )
        return None
    move = ModuleMove(old, destination.new, dict(destination.elsewhere), dict(destination.renamed))
    paths = dict.fromkeys(site.path for site in sites)
    # String references (`relationship("app.models.image.Image")`) in files without fallbacks,
    # of the sites' own app: where the destination's package is the same file.
    top = destination.new.split(".")[0]
    apps = {project.resolve_from(site.path, top) for site in sites}
    paths.update(
        dict.fromkeys(
            p
            for p in project.files_containing(old)
            if p not in fallback_files and project.resolve_from(p, top) in apps
        )
    )
    changes = []
    for path in paths:
        try:
            tree = project.parse(path)
            new_tree = rewrite_references(tree, project.package_of(path), move)
        except cst.ParserSyntaxError:
            continue
        except RewriteError as exc:
            for site in sites:
                out.diagnostics.append(
                    Diagnostic(
                        f"`{site.statement}`: no module `{old}`; it would move to "
                        f"{destination.new}, but {path} cannot be rewritten: {exc}",
                        path=site.path,
                        line=site.line,
                        fixer=NAME,
                    )
                )
            return None
        if new_tree.code != tree.code:
            changes.append(FileChange(path, tree.code, new_tree.code))
    if not changes:
        return None
    return Fix(
        fixer=NAME,
        title=_title(old, destination),
        explanation=_explain(old, sites, destination),
        changes=tuple(changes),
        provenance=tuple(destination.provenance),
        safe=destination.safe,
        # Git saw the module's files renamed: its top-level package, if gone, was the
        # project's, not an installed package the proof should assume works.
        renamed_away=(
            frozenset({old.split(".")[0]})
            if destination.via_git and not _exists(project, old.split(".")[0])
            else frozenset()
        ),
    )


def _title(old: str, destination: _Destination) -> str:
    names = ", ".join(sorted(destination.elsewhere))
    if destination.moved_into_package:
        return f"Import {names} from the modules of package {old}"
    if destination.module_exists:
        targets = ", ".join(sorted(set(destination.elsewhere.values())))
        return f"Import {names} from {targets}, not from {old}"
    return f"Import {destination.new} instead of the missing {old}"


def _explain(old: str, sites: list[BrokenImport], destination: _Destination) -> str:
    importers = sorted({s.path for s in sites})
    if destination.moved_into_package:
        names = ", ".join(f"`{n}`" for n in sorted(destination.elsewhere))
        text = [
            f"`{old}` is a package now and does not define {names}, so importing them fails "
            f"with ImportError ({', '.join(importers)})."
        ]
        for name, module in sorted(destination.elsewhere.items()):
            text.append(f"`{name}` is imported from `{module}`, the one module that defines it.")
        return " ".join(text)
    if destination.module_exists:
        names = ", ".join(f"`{n}`" for n in sorted(destination.elsewhere))
        text = [
            f"`{old}` does not bind {names} (nor makes names at run time), so importing "
            f"{'it' if len(destination.elsewhere) == 1 else 'them'} fails with ImportError "
            f"({', '.join(importers)}); its other names stay imported from it."
        ]
        for name, module in sorted(destination.elsewhere.items()):
            text.append(
                f"`{name}` is imported from `{module}`, the one module of this app that defines it."
            )
        text.extend(_doubts(destination))
        return " ".join(text)
    text = [
        f"`{old}` no longer exists, so importing it fails with ModuleNotFoundError ({', '.join(importers)})."
    ]
    if destination.package_rename is not None:
        rename = destination.package_rename
        text.append(
            f"Git history shows the package `{rename.old}` renamed to `{rename.new}` "
            f"({rename.old_folder}/ -> {rename.new_folder}/), so it is `{destination.new}` now."
        )
    elif destination.via_git:
        text.append(f"Git history shows it was renamed to `{destination.new}`.")
    else:
        text.append(
            f"The names it was imported for are defined in `{destination.new}`, the one module "
            "of this app that defines them."
        )
    for name, module in sorted(destination.elsewhere.items()):
        text.append(f"`{name}` is imported from `{module}`, the one module that defines it.")
    for name, new_name in sorted(destination.renamed.items()):
        text.append(
            f"The class `{name}` was renamed `{new_name}` in the same commit: it is imported "
            f"as `{new_name} as {name}`, so every use of `{name}` keeps working."
        )
    if not destination.safe and destination.renamed:
        text.append(
            "The class rename was inferred because it was the only class that appeared, while "
            "its body changed too: check that it is the same model."
        )
    text.extend(_doubts(destination))
    return " ".join(text)


def _doubts(destination: _Destination) -> list[str]:
    if not destination.doubts:
        return []
    return [
        "Unsafe, found by name alone: " + "; ".join(destination.doubts) + ". Check it is the "
        "definition the import meant."
    ]

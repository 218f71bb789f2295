"""Which module of an importer's own app defines a name: the facts behind ``moved-modules``'
redirects and the suggestions ``deleted-classes`` and ``moved-modules`` make.

A definer is a top-level ``class``, ``def`` or assignment of the name (never a re-export), in
a file the importer reaches on its own ``sys.path`` (the file ``import module`` finds from
there is that very file): a module of another app, which the importer cannot import, is
never a candidate, only named as "defined in another app".
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import PurePosixPath

from fixup.index import ProjectIndex

#: Folders whose code is not the app's: a definition there is no redirect target by default.
_NOT_APP_FOLDERS = frozenset(
    {"test", "tests", "bench", "benchmark", "benchmarks", "example", "examples", "docs_src"}
)

#: How close a spelling must be to be suggested (``difflib`` ratio): ``require_admin`` is not
#: ``require_user`` (0.72), ``UserCreate`` is ``UsersCreate`` (0.95).
CLOSE_SPELLING = 0.85


@dataclass(frozen=True)
class Definer:
    """One top-level definition of a name."""

    path: str
    module: str
    line: int
    kind: str  # "class", "function", "assign"

    @property
    def where(self) -> str:
        return f"{self.module} ({self.path}:{self.line})"


def definers(index: ProjectIndex, name: str) -> list[Definer]:
    """Every top-level definition of ``name`` in the project, in path order."""
    return [Definer(path, module, d.line, d.kind) for path, module, d in index.definitions_of(name)]


def reachable(index: ProjectIndex, importer: str, found: list[Definer]) -> list[Definer]:
    """Those of ``found`` that ``importer`` imports by their module name: its own app's."""
    project = index.project
    return [d for d in found if project.resolve_from(importer, d.module) == d.path]


def in_app(index: ProjectIndex, importer: str, name: str) -> tuple[list[Definer], list[Definer]]:
    """(the definers of ``name`` the importer reaches, the ones of other apps it cannot)."""
    every = definers(index, name)
    mine = reachable(index, importer, every)
    return mine, [d for d in every if d not in mine]


def outside_app_code(path: str) -> bool:
    """A test, benchmark or example file: its definitions are not the app's own."""
    parts = PurePosixPath(path).parts
    name = parts[-1]
    return (
        any(part in _NOT_APP_FOLDERS for part in parts[:-1])
        or name.startswith("test_")
        or name == "conftest.py"
    )


def extension_twin(extensions: frozenset[str], module: str, name: str) -> str | None:
    """A native extension (``.pyx``, ``.so``, ``.pyd``) that may be what the import meant: one
    named like the name or the missing module (``cimmutabledict`` is the compiled
    ``immutabledict``), in the same top-level package."""
    top = module.split(".")[0]
    last = module.rpartition(".")[2]
    stems = {name, last, last.removeprefix("c"), last.removeprefix("_c"), last.removeprefix("_")}
    for path in sorted(extensions):
        parts = PurePosixPath(path).parts
        stem = parts[-1].split(".")[0]
        if top in parts and stem in stems:
            return path
    return None


def style(name: str) -> str:
    """``class`` for CapWords, ``constant`` for UPPER_CASE, else ``function``: the kind a name
    is spelled as, when the import says nothing more."""
    bare = name.strip("_")
    if bare.isupper():
        return "constant"
    if bare[:1].isupper():
        return "class"
    return "function"


def did_you_mean(name: str, known: dict[str, str]) -> str:
    """A suggestion among ``known`` (name -> kind: "class", "function", "assign"), or "":
    only names spelled closely (``CLOSE_SPELLING``) and of the same kind as ``name`` is
    spelled, so that a suggestion is never an unrelated function."""
    want = style(name)
    same_kind = [
        n
        for n, kind in known.items()
        if n != name and (style(n) if kind == "assign" else _KINDS.get(kind, kind)) == want
    ]
    close = difflib.get_close_matches(name, sorted(same_kind), n=3, cutoff=CLOSE_SPELLING)
    if not close:
        return ""
    return "; did you mean " + " or ".join(f"`{c}`" for c in close) + "?"


_KINDS = {"class": "class", "function": "function"}

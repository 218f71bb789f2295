"""The outcome of a whole run, cached: a re-run on an unchanged project loads no fixer at all.

A run's outcome depends only on its inputs: fixup's own code, the configuration, the project's
files, import roots and the evidence of how the apps run (packaging metadata, start commands), and the git history below the commit being fixed.
The key hashes all of them (git's part is HEAD's sha and whether the clone is shallow); the
value is the fixes, the skipped fixes and the fixers' diagnostics. On a hit, the report is
rebuilt by applying the fixes to the freshly loaded project, so nothing here imports libcst or
a fixer. Like every cache in fixup, a missing, corrupt or stale entry only costs time.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fixup.cache import Cache
from fixup.fix import Diagnostic, FileChange, Fix, Provenance

if TYPE_CHECKING:
    from fixup.config import Config
    from fixup.fix import Report
    from fixup.project import Project

_NAMESPACE = "run"
#: A run whose fixes carry more text than this is not cached: reading it back would cost
#: about as much as the run, and writing it would double the run's memory.
MAX_CACHED_TEXT = 20_000_000


def run_key(project: Project, config: Config) -> str | None:
    """The key of a run on ``project`` with ``config``; None when it cannot be known."""
    digest = hashlib.blake2b(digest_size=20)

    def add(*parts: object) -> None:
        for part in parts:
            digest.update(str(part).encode("utf-8", "surrogatepass"))
            digest.update(b"\0")

    add(_code_fingerprint(), repr(config), project.root, project.revision)
    add(project.roots.paths, sorted(project.roots.sources.items()), project.roots.declared)
    add(sorted(project.evidence.items()), sorted(project.extensions))
    for path in sorted(project.files):
        add(path, project.formats[path])
        digest.update(project.files[path].encode("utf-8", "surrogatepass"))
    if project.git is not None:
        history = _history_state(project)
        if history is None:
            return None
        add(history)
    return digest.hexdigest()


def load(cache: Cache, key: str, project: Project) -> Report | None:
    """The cached report of the run ``key``, rebuilt on ``project``; None on a miss."""
    from fixup.fix import Report
    from fixup.project import ConflictError

    data = cache.get(key)
    if not isinstance(data, dict):
        return None
    try:
        report = Report(before=project, after=project, diagnostics=list(project.diagnostics))
        for item in data["fixes"]:
            fix = _fix_from_json(item, report.after.files)
            report.after = report.after.apply(fix)
            report.fixes.append(fix)
        for item, reason in data["skipped"]:
            report.skipped.append((_fix_from_json(item, None), reason))
        report.diagnostics += [Diagnostic(**d) for d in data["diagnostics"]]
    except (KeyError, TypeError, ValueError, ConflictError):
        return None
    return report


def save(cache: Cache, key: str, report: Report) -> None:
    size = sum(len(c.after or "") for f in report.fixes for c in f.changes)
    if size > MAX_CACHED_TEXT:
        return
    own = len(report.before.diagnostics)
    cache.put(
        key,
        {
            "fixes": [_fix_to_json(f, full=False) for f in report.fixes],
            "skipped": [[_fix_to_json(f, full=True), reason] for f, reason in report.skipped],
            "diagnostics": [_diagnostic_to_json(d) for d in report.diagnostics[own:]],
        },
    )
    cache.save()


def cache_for(project: Project, enabled: bool) -> Cache:
    return Cache.for_project(project.root, _NAMESPACE, enabled=enabled)


# -------------------------------------------------------------------- the key's parts


def _code_fingerprint() -> str:
    """fixup's own source files as they are (a development checkout changes without a new
    version number): names, sizes and modification times."""
    root = Path(__file__).parent
    entries = []
    for folder, _, names in os.walk(root):
        for name in names:
            if name.endswith(".py"):
                stat = os.stat(os.path.join(folder, name))
                entries.append(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(sorted(entries))


def _history_state(project: Project) -> str | None:
    """The commit whose history the fixers read, and whether the clone is shallow."""
    from fixup.git import GitError

    assert project.git is not None
    try:
        sha, shallow = project.git.run(
            "rev-parse", "--verify", "--quiet", f"{project.revision}^{{commit}}",
            "--git-path", "shallow",
        ).splitlines()[:2]  # fmt: skip
    except (GitError, ValueError):
        return None
    shallow_path = project.git.toplevel / shallow
    try:
        marker = shallow_path.read_text()
    except OSError:
        marker = ""
    return f"{sha}:{hashlib.blake2b(marker.encode(), digest_size=8).hexdigest()}"


# -------------------------------------------------------------------- JSON


def _fix_to_json(fix: Fix, *, full: bool) -> dict[str, Any]:
    """A fix; an applied one's ``before`` texts are left out: replaying the fixes in order on
    the same project gives them back."""
    return {
        "fixer": fix.fixer,
        "title": fix.title,
        "explanation": fix.explanation,
        "safe": fix.safe,
        "renamed_away": sorted(fix.renamed_away),
        "provenance": [vars(p).copy() for p in fix.provenance],
        "changes": [
            [c.path, c.before if full else c.before is not None, c.after, c.renamed_from]
            for c in fix.changes
        ],
    }


def _fix_from_json(data: Mapping[str, Any], files: Mapping[str, str] | None) -> Fix:
    changes = []
    for path, before, after, renamed_from in data["changes"]:
        if files is not None:
            before = files[path] if before else None
        changes.append(FileChange(path, before, after, renamed_from))
    return Fix(
        fixer=data["fixer"],
        title=data["title"],
        explanation=data["explanation"],
        changes=tuple(changes),
        provenance=tuple(Provenance(**p) for p in data["provenance"]),
        safe=data["safe"],
        renamed_away=frozenset(data["renamed_away"]),
    )


def _diagnostic_to_json(diagnostic: Diagnostic) -> dict[str, Any]:
    return vars(diagnostic).copy()

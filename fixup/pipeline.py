"""The pipeline: each fixer plans against the snapshot left by the ones before it, and the
pipeline is the one place where fixes are applied.

A fixer's plan is a stream of fixes and diagnostics. Each fix is decided here as soon as the
fixer yields it: applied to the snapshot, or skipped with the reason (unsafe without
``--unsafe-fixes``; stale, when the files it edits changed since it was planned; not proved,
see ``fixup.proof``: reported as an error). The fixer
goes on only after that, reading ``ctx.project``, so a fix it plans next is planned on what
will really be written, never on a fix the pipeline refused.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence

from fixup.cache import Cache
from fixup.config import Config
from fixup.fix import Diagnostic, Fix, Plan, PlanItem, Report
from fixup.fixers import Fixer, FixerContext
from fixup.history import History
from fixup.index import FactStore
from fixup.project import ConflictError, Project
from fixup.proof import disproof

__all__ = ["Report", "propose", "run", "run_plan"]

UNSAFE = "may change behaviour; apply it with --unsafe-fixes"


def run(
    project: Project,
    fixers: Sequence[Fixer],
    config: Config,
    *,
    use_cache: bool = True,
    on_fixer: Callable[[Fixer], None] | None = None,
    facts: FactStore | None = None,
) -> Report:
    report = Report(before=project, after=project, diagnostics=list(project.diagnostics))
    history = History.of(project, use_cache=use_cache)
    if facts is None:
        facts = FactStore(Cache.for_project(project.root, "index", enabled=use_cache))
    for fixer in fixers:
        if on_fixer is not None:
            on_fixer(fixer)
        cache = Cache.for_project(project.root, fixer.name, enabled=use_cache)
        ctx = FixerContext(
            project=report.after,
            options=fixer.resolve_options(config),
            cache=cache,
            config=config,
            history=history,
            facts=facts,
        )
        run_plan(fixer.plan, ctx, report)
        cache.save()
    # The last snapshot's index: fixes never edit a file that does not parse, and its facts
    # are mostly known by now (the first snapshot's may not all be: a fixer that rewrote a
    # file derived the new text's facts without reading the old one's).
    report.diagnostics += _unparsable(facts, report.after, report.diagnostics)
    history.save()
    facts.save()
    return report


def _unparsable(facts: FactStore, project: Project, said: list[Diagnostic]) -> list[Diagnostic]:
    """One warning for each file that does not parse here and that no fixer has reported:
    fixup read nothing in it (a file of newer syntax, Python 3.14's t-strings, parses on the
    Python that runs it, not on this one)."""
    reported = {d.path for d in said if "parse" in d.message or "syntax error" in d.message}
    index = facts.index(project)
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    found = []
    for path in index.paths():
        error = index.facts(path).syntax_error
        if error is not None and path not in reported:
            message = (
                f"not read: it does not parse on Python {version} ({error[0]}); fixup left it alone"
            )
            found.append(Diagnostic(message, path=path, line=error[1], severity="warning"))
    return found


def run_plan(
    plan: Callable[[FixerContext], Iterable[PlanItem]],
    ctx: FixerContext,
    report: Report,
    *,
    accept_unsafe: bool | None = None,
) -> None:
    """Drive one fixer's plan: decide each fix it yields, and move ``ctx.project`` and
    ``report.after`` on with every fix applied. ``accept_unsafe`` defaults to the run's
    ``--unsafe-fixes``."""
    if accept_unsafe is None:
        accept_unsafe = ctx.config.unsafe_fixes
    ctx.project = report.after
    for item in plan(ctx):
        if isinstance(item, Diagnostic):
            report.diagnostics.append(item)
            continue
        if not item.safe and not accept_unsafe:
            report.skipped.append((item, UNSAFE))
            continue
        try:
            after = report.after.apply(item)
        except ConflictError as exc:
            report.skipped.append((item, str(exc)))
            continue
        failed = disproof(item, report.after, after)
        if failed is not None:
            path, reason = failed
            # An error: what the fix was for stays broken, and fixup could not prove a repair.
            report.diagnostics.append(
                Diagnostic(
                    f"not proposed: {item.title}: {reason}",
                    path=path,
                    fixer=item.fixer,
                    severity="error",
                )
            )
            continue
        report.after = after
        report.fixes.append(item)
        ctx.project = after


def propose(plan: Callable[[FixerContext], Iterable[PlanItem]], ctx: FixerContext) -> Plan:
    """Every fix one fixer proposes on its own, unsafe ones included, each applied before it
    plans the next (for tests and benchmarks: the pipeline's loop, without the filter)."""
    proposed = Plan()

    def recorded(ctx: FixerContext) -> Iterator[PlanItem]:
        for item in plan(ctx):
            if isinstance(item, Fix):
                proposed.fixes.append(item)
            else:
                proposed.diagnostics.append(item)
            yield item

    run_plan(recorded, ctx, Report(before=ctx.project, after=ctx.project), accept_unsafe=True)
    return proposed

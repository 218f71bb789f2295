"""The pipeline: each fixer plans against the snapshot left by the ones before it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from fixup.cache import Cache
from fixup.config import Config
from fixup.fix import Diagnostic, Fix
from fixup.fixers import Fixer, FixerContext
from fixup.index import FactStore
from fixup.project import ConflictError, Project
from fixup.proof import disproof


@dataclass
class Report:
    """The outcome of a run, before anything is written."""

    before: Project
    after: Project
    #: Fixes applied to ``after``, in pipeline order.
    fixes: list[Fix] = field(default_factory=list)
    #: Fixes not applied, with the reason (unsafe without opt-in, or stale).
    skipped: list[tuple[Fix, str]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.fixes)


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
            facts=facts,
        )
        plan = fixer.plan(ctx)
        cache.save()
        report.diagnostics.extend(plan.diagnostics)
        for fix in plan.fixes:
            if not fix.safe and not config.unsafe_fixes:
                report.skipped.append((fix, "may change behaviour; apply it with --unsafe-fixes"))
                continue
            try:
                after = report.after.apply(fix)
            except ConflictError as exc:
                report.skipped.append((fix, str(exc)))
                continue
            failed = disproof(fix, report.after, after)
            if failed is not None:
                path, reason = failed
                # An error: what the fix was for stays broken, and fixup could not prove a repair.
                report.diagnostics.append(
                    Diagnostic(
                        f"not proposed: {fix.title}: {reason}",
                        path=path,
                        fixer=fix.fixer,
                        severity="error",
                    )
                )
                continue
            report.after = after
            report.fixes.append(fix)
    facts.save()
    return report

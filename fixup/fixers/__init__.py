"""The fixer registry.

A fixer is a module in this package. Its name is the module's name with ``-`` for ``_``
(``relative_imports`` -> ``relative-imports``), never typed twice; its docstring is its
documentation (``fixup explain NAME``, the README's fixer list). A fixer module defines:

- ``ORDER``: its place in the pipeline (each fixer sees the result of the ones before);
- ``OPTIONS``: a dict of option name -> ``Option`` (optional);
- ``ON_REQUEST``: for a refactor, why it runs only when asked for (``--select`` or its
  ``[tool.fixup.<fixer>]`` table); repairs leave it out and run by default;
- ``plan(ctx: FixerContext)``: find the problems, plan the repairs. It returns a ``Plan``
  when its fixes are independent, or yields fixes and diagnostics one at a time when a later
  fix builds on an earlier one: the pipeline applies (or skips: unsafe, stale) each yielded
  fix before the fixer goes on, so ``ctx.project`` always holds every fix accepted so far
  and the next fix is planned on what will really be written. A fixer never applies a fix,
  writes files or runs git: it reads the snapshot (``ctx.project``) and history
  (``ctx.history``) as plain data.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from fixup.cache import Cache
from fixup.config import Config, ConfigError, unknown_name
from fixup.fix import PlanItem
from fixup.history import History
from fixup.index import FactStore, ProjectIndex
from fixup.project import Project


@dataclass(frozen=True)
class Option:
    """One option a fixer accepts in ``[tool.fixup.<fixer>]``."""

    default: Any
    help: str
    #: The allowed values, when the option is a choice.
    choices: tuple[Any, ...] | None = None
    #: The allowed type(s); defaults to the default's type.
    kind: type | tuple[type, ...] | None = None
    #: The smallest value allowed, for a number.
    minimum: int | None = None

    def validate(self, fixer: str, name: str, value: Any) -> Any:
        if self.choices is not None and value not in self.choices:
            allowed = ", ".join(repr(c) for c in self.choices)
            raise ConfigError(
                f"[tool.fixup.{fixer}] {name} must be one of {allowed}, not {value!r}"
            )
        kind = self.kind or type(self.default)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigError(
                f"[tool.fixup.{fixer}] {name} must be {_kind_name(kind)}, not {value!r}"
            )
        if self.minimum is not None and isinstance(value, (int, float)) and value < self.minimum:
            raise ConfigError(
                f"[tool.fixup.{fixer}] {name} must be at least {self.minimum}, not {value!r}"
            )
        return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        bool: "true or false", int: "a whole number", float: "a number", str: "a string",
        list: "a list", dict: "a table",
    }  # fmt: skip
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


@dataclass
class FixerContext:
    """What a fixer gets to plan its fixes."""

    #: The snapshot to repair: every fix the pipeline accepted so far, earlier fixers' and this
    #: fixer's own. Only the pipeline moves it on (after each fix a plan yields).
    project: Project
    #: The fixer's options, validated, defaults filled in.
    options: Mapping[str, Any]
    #: A persistent cache for per-file results keyed by content (may be disabled).
    cache: Cache
    #: The whole run's configuration (roots, unsafe-fixes), for fixers that need it.
    config: Config = field(default_factory=Config)
    #: The git history below the snapshot's commit, as plain data.
    history: History = field(default_factory=History.unavailable)
    #: The run's facts by content (shared by every snapshot); ``index`` reads through it.
    facts: FactStore = field(default_factory=FactStore)

    @property
    def index(self) -> ProjectIndex:
        """The facts of ``project``'s files, each file parsed once: it follows ``project`` as
        the pipeline moves it on (the store keeps the last snapshot's index)."""
        return self.facts.index(self.project)


@dataclass(frozen=True)
class Fixer:
    name: str
    order: int
    doc: str
    options: Mapping[str, Option]
    plan: Callable[[FixerContext], Iterable[PlanItem]]
    #: Why the fixer runs only when asked for; None for a repair, which runs by default.
    on_request: str | None = None

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].rstrip(".") if self.doc.strip() else ""

    def resolve_options(self, config: Config) -> dict[str, Any]:
        where = f"{config.source}: " if config.source else ""
        given = dict(config.options.get(self.name, {}))
        unknown = sorted(set(given) - set(self.options))
        if unknown:
            valid = list(self.options) or ["(none: this fixer takes no options)"]
            raise ConfigError(
                where + unknown_name(f"option [tool.fixup.{self.name}]", unknown[0], valid)
            )
        try:
            return {
                name: option.validate(self.name, name, given[name])
                if name in given
                else option.default
                for name, option in self.options.items()
            }
        except ConfigError as exc:
            raise ConfigError(f"{where}{exc}") from None


@cache
def _module_names() -> tuple[str, ...]:
    return tuple(
        info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")
    )


@cache
def _load(module_name: str) -> Fixer:
    module = importlib.import_module(f"{__name__}.{module_name}")
    return Fixer(
        name=module_name.replace("_", "-"),
        order=module.ORDER,
        doc=module.__doc__ or "",
        options=getattr(module, "OPTIONS", {}),
        plan=module.plan,
        on_request=getattr(module, "ON_REQUEST", None),
    )


def check_fixer_tables(config: Config) -> None:
    """Every ``[tool.fixup.NAME]`` table names a fixer. Only names are read: no fixer (nor
    libcst) is imported, so a re-run the run cache answers stays light."""
    where = f"{config.source}: " if config.source else ""
    names = sorted(name.replace("_", "-") for name in _module_names())
    for table in config.options:
        if table not in names:
            raise ConfigError(
                f"{where}[tool.fixup.{table}]: " + unknown_name("fixer", table, names)
            )


def check_fixer_options(config: Config) -> None:
    """The options of every ``[tool.fixup.NAME]`` table are valid, for every fixer selected or
    not: a mistake should not wait until the fixer is selected. This imports those fixers."""
    for table in config.options:
        get_fixer(table).resolve_options(config)


def _in_order(fixers: Iterable[Fixer]) -> list[Fixer]:
    unique = {f.name: f for f in fixers}
    return sorted(unique.values(), key=lambda f: (f.order, f.name))


def all_fixers() -> tuple[Fixer, ...]:
    """Every fixer in this package, in pipeline order."""
    return tuple(_in_order(_load(name) for name in _module_names()))


def get_fixer(name: str) -> Fixer:
    """The fixer called ``name`` (``-`` or ``_``); only its own module is imported."""
    module_name = name.replace("-", "_")
    if module_name not in _module_names():
        raise ConfigError(f"Unknown fixer: {name!r}")
    return _load(module_name)


def select_fixers(
    select: Sequence[str], ignore: Sequence[str], configured: Iterable[str] = ()
) -> list[Fixer]:
    """The fixers to run, in pipeline order: ``select`` minus ``ignore``; without ``select``,
    every repair and the refactors that have a table in the configuration (``configured``)."""
    tables = {name.replace("_", "-") for name in configured}
    chosen = (
        [get_fixer(n) for n in select]
        if select
        else [f for f in all_fixers() if f.on_request is None or f.name in tables]
    )
    ignored = {get_fixer(n).name for n in ignore}
    return _in_order(f for f in chosen if f.name not in ignored)

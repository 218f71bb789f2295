"""Configuration: ``[tool.fixup]`` in the target project's pyproject.toml, overridden by flags.

The keys are the flags' names: ``select``, ``ignore``, ``exclude``, ``roots``,
``unsafe-fixes``, the bot's ``branch``, ``labels`` and ``api-url``, plus one table per fixer
for its options::

    [tool.fixup]
    select = ["relative-imports"]
    exclude = ["legacy/**"]
    roots = ["backend"]

    [tool.fixup.relative-imports]
    scope = "parents"
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]


class ConfigError(Exception):
    """Invalid configuration or usage; the CLI exits with status 2."""


_TOP_LEVEL_KEYS = {
    "select",
    "ignore",
    "exclude",
    "roots",
    "unsafe-fixes",
    "branch",
    "labels",
    "api-url",
}


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    #: Declared import roots; None means detect them.
    roots: list[str] | None = None
    unsafe_fixes: bool = False
    #: Fixer name -> its options, as given (validated against the fixer's declared options).
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: The file the configuration came from, for messages.
    source: Path | None = None
    #: The bot's branch (``--branch`` with ``--pr``), labels and GitHub API root (Enterprise).
    branch: str | None = None
    labels: tuple[str, ...] | None = None
    api_url: str | None = None

    def with_flags(
        self,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        exclude: Sequence[str] = (),
        unsafe_fixes: bool | None = None,
    ) -> Config:
        """Flags win over the file; ``--exclude`` adds to it."""
        return replace(
            self,
            select=tuple(select) or self.select,
            ignore=tuple(ignore) or self.ignore,
            exclude=self.exclude + tuple(exclude),
            unsafe_fixes=self.unsafe_fixes if unsafe_fixes is None else unsafe_fixes,
        )


def load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            data: dict[str, Any] = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: invalid TOML: {exc}") from None
    return data


def parse_toml(text: str) -> dict[str, Any]:
    """TOML text as a dict; ValueError when it is not valid TOML."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"invalid TOML: {exc}") from None
    return data


def load_config(root: Path, config_file: Path | None = None) -> Config:
    """Read ``[tool.fixup]`` from ``config_file`` or ``root/pyproject.toml`` (absent -> defaults)."""
    path = config_file or root / "pyproject.toml"
    if not path.is_file():
        if config_file is not None:
            raise ConfigError(f"{config_file}: no such file")
        return Config()
    try:
        data = load_toml(path)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    table = data.get("tool", {}).get("fixup", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.fixup] must be a table")
    return parse_table(table, path)


def parse_table(table: Mapping[str, Any], source: Path | None = None) -> Config:
    where = f"{source}: " if source else ""
    options: dict[str, Mapping[str, Any]] = {}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            options[key] = value
        elif key in _TOP_LEVEL_KEYS:
            values[key] = value
        else:
            raise ConfigError(f"{where}unknown key [tool.fixup] {key!r}")
    for key in ("select", "ignore", "exclude", "roots", "labels"):
        if key in values and not (
            isinstance(values[key], list) and all(isinstance(v, str) for v in values[key])
        ):
            raise ConfigError(f"{where}[tool.fixup] {key} must be a list of strings")
    unsafe = values.get("unsafe-fixes", False)
    if not isinstance(unsafe, bool):
        raise ConfigError(f"{where}[tool.fixup] unsafe-fixes must be true or false")
    return Config(
        select=tuple(values.get("select", ())),
        ignore=tuple(values.get("ignore", ())),
        exclude=tuple(values.get("exclude", ())),
        roots=values.get("roots"),
        unsafe_fixes=unsafe,
        branch=_optional_str(values, "branch", where),
        labels=tuple(values["labels"]) if "labels" in values else None,
        api_url=_optional_str(values, "api-url", where),
        options=options,
        source=source,
    )


def _optional_str(values: Mapping[str, Any], key: str, where: str) -> str | None:
    value = values.get(key)
    if value is not None and not (isinstance(value, str) and value):
        raise ConfigError(f"{where}[tool.fixup] {key} must be a non-empty string")
    return value

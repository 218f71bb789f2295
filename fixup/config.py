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

The file is ``--config FILE``, else the nearest ``pyproject.toml`` with a ``[tool.fixup]``
table from PATH upwards (up to the git repository's top). Its roots and exclude patterns are
relative to the folder that holds it. Unknown keys and tables, values of the wrong type and
impossible values (a root that is no folder, a negative line count) are errors that name
the valid choices.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
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


def find_config_file(path: Path) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.fixup]`` table, from ``path`` upwards.

    The walk stops at the top of the git repository (the folder that holds ``.git``) or at
    the file system's root: a configuration outside the repository is someone else's.
    """
    found = find_pyproject(path, lambda data: "fixup" in data.get("tool", {}))
    return found[0] if found is not None else None


def find_pyproject(
    path: Path, wanted: Callable[[dict[str, Any]], bool]
) -> tuple[Path, dict[str, Any]] | None:
    """The nearest ``pyproject.toml`` from ``path`` upwards whose data is ``wanted``, and its
    data; the walk stops at the git repository's top or the file system's root."""
    folder = path.resolve()
    while True:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = load_toml(candidate)
            except ValueError as exc:
                raise ConfigError(str(exc)) from None
            if wanted(data):
                return candidate, data
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent


def load_config(root: Path, config_file: Path | None = None) -> Config:
    """Read ``[tool.fixup]`` from ``config_file``, else from the nearest ``pyproject.toml`` that
    has one (``find_config_file``); none found -> defaults.

    Every table and key is checked against the valid names and every value against what it
    may be (ConfigError otherwise). Roots and exclude patterns are relative to the folder
    that holds the file; they are returned relative to ``root``.
    """
    if config_file is not None and not config_file.is_file():
        raise ConfigError(f"{config_file}: no such file")
    path = config_file or find_config_file(root)
    if path is None:
        return Config()
    try:
        data = load_toml(path)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    table = data.get("tool", {}).get("fixup", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.fixup] must be a table")
    config = parse_table(table, path)
    # The registry imports this module; it is needed here only to name the valid fixer tables.
    from fixup.fixers import check_fixer_tables

    check_fixer_tables(config)
    return _relative_to(config, path.parent.resolve(), root.resolve())


def _relative_to(config: Config, base: Path, root: Path) -> Config:
    """``config``'s roots and exclude patterns, written relative to ``base``, made relative to
    ``root``; a ``--config`` file outside ``root``'s folders is read relative to ``root``."""
    where = f"{config.source}: "
    for folder in config.roots or ():
        if not (base / folder).is_dir():
            raise ConfigError(
                f"{where}[tool.fixup] roots: {folder!r} is not a folder "
                f"(roots are relative to {base})"
            )
    try:
        offset = root.relative_to(base).as_posix()
    except ValueError:
        return config
    if offset == ".":
        return config
    roots = None
    if config.roots is not None:
        roots = []
        for folder in config.roots:
            rel = PurePosixPath(folder.replace("\\", "/"))
            try:
                roots.append(rel.relative_to(offset).as_posix())
            except ValueError:
                raise ConfigError(
                    f"{where}[tool.fixup] roots: {folder!r} is outside {root}, which fixup was "
                    f"asked to check; run fixup on {base} (or pass a folder that holds the root)"
                ) from None
    return replace(config, roots=roots, exclude=_rebase_patterns(config.exclude, offset))


def _rebase_patterns(patterns: Sequence[str], offset: str) -> tuple[str, ...]:
    """Exclude patterns relative to the configuration's folder, made relative to its subfolder
    ``offset``. A pattern for another folder is dropped, and so is one that excludes the
    whole subfolder: the folder a user names on the command line is checked (as in ruff)."""
    kept = []
    for pattern in patterns:
        stem = pattern.rstrip("/").removesuffix("/**")
        if "/" not in pattern or pattern.startswith("*"):
            kept.append(pattern)
        elif pattern.startswith(offset + "/") and stem != offset:
            kept.append(pattern[len(offset) + 1 :])
        # else: another folder, or ``offset`` itself or a folder above it
    return tuple(kept)


def parse_table(table: Mapping[str, Any], source: Path | None = None) -> Config:
    """``[tool.fixup]`` as a Config. Unknown keys are an error; tables are fixers' options
    (their names and options are checked by ``fixup.fixers.check_fixer_tables``)."""
    where = f"{source}: " if source else ""
    options: dict[str, Mapping[str, Any]] = {}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key in _TOP_LEVEL_KEYS:
            values[key] = value
        elif isinstance(value, dict):
            options[key] = value
        else:
            raise ConfigError(where + unknown_name("key [tool.fixup]", key, _TOP_LEVEL_KEYS))
    for key in ("select", "ignore", "exclude", "roots", "labels"):
        if key in values and not (
            isinstance(values[key], list) and all(isinstance(v, str) for v in values[key])
        ):
            raise ConfigError(
                f"{where}[tool.fixup] {key} must be a list of strings, not {values[key]!r}"
            )
    unsafe = values.get("unsafe-fixes", False)
    if not isinstance(unsafe, bool):
        raise ConfigError(f"{where}[tool.fixup] unsafe-fixes must be true or false, not {unsafe!r}")
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


def unknown_name(what: str, name: str, valid: Iterable[str]) -> str:
    """ "unknown WHAT 'nme'; did you mean 'name'? (valid: ...)" for a name that is not valid."""
    names = sorted(valid)
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown {what} {name!r}{hint} (valid: {', '.join(names)})"


def _optional_str(values: Mapping[str, Any], key: str, where: str) -> str | None:
    value = values.get(key)
    if value is not None and not (isinstance(value, str) and value):
        raise ConfigError(f"{where}[tool.fixup] {key} must be a non-empty string, not {value!r}")
    return value

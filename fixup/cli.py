"""The ``fixup`` command line."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import BarColumn, Progress, TextColumn

from fixup import __version__
from fixup.config import Config, ConfigError, load_config
from fixup.fix import Diagnostic, changed_files
from fixup.fixers import Fixer, all_fixers, get_fixer, select_fixers
from fixup.pipeline import Report, run
from fixup.project import Project
from fixup.report import print_json, print_text
from fixup.sinks import RefusedError, write_tree

EXIT_OK = 0
EXIT_PENDING = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 123

EXIT_CODES_HELP = """\b
Exit codes:
  0    success (with --check: nothing to fix)
  1    --check: fixes are pending
  2    usage or configuration error, or fixup refused to write
  123  internal error (please report it, with the traceback from -v)"""


class FixupGroup(click.Group):
    """``fixup [OPTIONS] [PATH]`` runs the fixers; ``fixup list|explain`` are subcommands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["fix", *args]
        return super().parse_args(ctx, args)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        fix = self.commands["fix"]
        with click.Context(fix, info_name=ctx.info_name, parent=ctx.parent) as fix_ctx:
            fix.format_help(fix_ctx, formatter)
        self.format_commands(ctx, formatter)


@click.group(cls=FixupGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fixup")
def main() -> None:
    """fixup repairs Python backends broken by hasty refactors."""


@main.command(
    "fix",
    epilog=EXIT_CODES_HELP,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--dry-run", is_flag=True, help="Print the fixes as diffs; write nothing.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when fixes are pending.")
@click.option("--select", multiple=True, metavar="NAME", help="Run only these fixers (repeatable).")
@click.option("--ignore", multiple=True, metavar="NAME", help="Do not run these fixers (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Leave matching files alone (repeatable).")
@click.option("--unsafe-fixes", is_flag=True, default=None, help="Also apply fixes marked unsafe.")
@click.option("--allow-dirty", is_flag=True, help="Overwrite files that have uncommitted changes.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", help="Output format.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), help="Read [tool.fixup] from this file instead of PATH/pyproject.toml.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the result cache.")
@click.option("--color/--no-color", default=None, help="Colour the diffs (default: when stdout is a terminal).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors on stderr.")
@click.option("-v", "--verbose", is_flag=True, help="Explain more: import roots, informational notes, tracebacks.")
def fix_command(
    path: Path,
    dry_run: bool,
    check: bool,
    select: Sequence[str],
    ignore: Sequence[str],
    exclude: Sequence[str],
    unsafe_fixes: bool | None,
    allow_dirty: bool,
    output_format: str,
    config_file: Path | None,
    no_cache: bool,
    color: bool | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Find and repair what breaks the backend at PATH (default: the current folder).

    Without --dry-run or --check the fixes are written to the working tree.
    """
    err = Console(stderr=True, highlight=False, soft_wrap=True, no_color=color is False)
    try:
        code = _fix(
            path, dry_run, check, select, ignore, exclude, unsafe_fixes, allow_dirty,
            output_format, config_file, no_cache, color, quiet, verbose, err,
        )
    except ConfigError as exc:
        err.print(f"fixup: error: {exc}", markup=False)
        code = EXIT_USAGE
    except RefusedError as exc:
        err.print(f"fixup: refused: {exc}", markup=False)
        code = EXIT_USAGE
    except Exception as exc:
        err.print(f"fixup: internal error: {type(exc).__name__}: {exc}", markup=False)
        if verbose:
            err.print(traceback.format_exc(), markup=False)
        else:
            err.print("(run with -v for the traceback)", markup=False)
        code = EXIT_INTERNAL
    sys.exit(code)


def _fix(
    path: Path,
    dry_run: bool,
    check: bool,
    select: Sequence[str],
    ignore: Sequence[str],
    exclude: Sequence[str],
    unsafe_fixes: bool | None,
    allow_dirty: bool,
    output_format: str,
    config_file: Path | None,
    no_cache: bool,
    color: bool | None,
    quiet: bool,
    verbose: bool,
    err: Console,
) -> int:
    if not path.is_dir():
        raise ConfigError(f"{path}: no such folder")
    config = load_config(path, config_file).with_flags(select, ignore, exclude, unsafe_fixes)
    fixers = select_fixers(config.select, config.ignore)
    for fixer in fixers:
        fixer.resolve_options(config)  # validate before any work
    project = Project.load(path, config)
    if verbose:
        for root in project.roots.paths:
            err.print(f"import root {root or '.'}/: {project.roots.sources.get(root, '')}", markup=False)
        err.print(f"{len(project.files)} Python files, fixers: {', '.join(f.name for f in fixers)}", markup=False)

    report = _run_with_progress(project, fixers, config, not no_cache, err, quiet)

    out = sys.stdout
    if output_format == "json":
        print_json(report, out)
    elif dry_run:
        print_text(report, out, color=color if color is not None else out.isatty())
    _print_diagnostics(report.diagnostics, err, quiet, verbose)

    files = changed_files(report.fixes)
    if check or dry_run:
        if not quiet:
            if report.fixes:
                err.print(
                    f"{len(report.fixes)} fix{'es' * (len(report.fixes) != 1)} pending in "
                    f"{len(files)} file{'s' * (len(files) != 1)}"
                    + ("" if dry_run or output_format == "json" else "; preview them with --dry-run")
                    + "; run fixup without --dry-run/--check to apply.",
                    markup=False,
                )
            else:
                err.print("Nothing to fix.", markup=False)
            _print_skipped(report, err)
        return EXIT_PENDING if check and report.fixes else EXIT_OK

    written = write_tree(report, allow_dirty=allow_dirty)
    if not quiet:
        for fix in report.fixes:
            err.print(f"fixed [{fix.fixer}] {fix.title}", markup=False)
        err.print(
            f"Applied {len(report.fixes)} fix{'es' * (len(report.fixes) != 1)} to {len(written)} file{'s' * (len(written) != 1)}."
            if report.fixes else "Nothing to fix.",
            markup=False,
        )
        _print_skipped(report, err)
    return EXIT_OK


def _run_with_progress(project: Project, fixers: list[Fixer], config: Config, use_cache: bool, err: Console, quiet: bool) -> Report:
    if quiet or not err.is_terminal:
        return run(project, fixers, config, use_cache=use_cache)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"), console=err, transient=True) as progress:
        task = progress.add_task("fixers", total=len(fixers))

        def on_fixer(fixer: Fixer) -> None:
            progress.update(task, description=f"running {fixer.name}", completed=fixers.index(fixer))

        report = run(project, fixers, config, use_cache=use_cache, on_fixer=on_fixer)
        progress.update(task, completed=len(fixers))
    return report


def _print_diagnostics(diagnostics: list[Diagnostic], err: Console, quiet: bool, verbose: bool) -> None:
    for diagnostic in diagnostics:
        if diagnostic.severity == "info" and not verbose:
            continue
        if quiet and diagnostic.severity != "error":
            continue
        style = {"error": "red", "warning": "yellow"}.get(diagnostic.severity, "dim")
        err.print(f"{diagnostic.severity}: {diagnostic}", style=style, markup=False)


def _print_skipped(report: Report, err: Console) -> None:
    for fix, reason in report.skipped:
        err.print(f"skipped [{fix.fixer}] {fix.title}: {reason}", style="yellow", markup=False)


@main.command("list")
def list_command() -> None:
    """List the fixers in pipeline order, one line each."""
    width = max(len(f.name) for f in all_fixers())
    for fixer in all_fixers():
        click.echo(f"{fixer.name:<{width}}  {fixer.summary}")


@main.command("explain")
@click.argument("name")
def explain_command(name: str) -> None:
    """Print a fixer's documentation."""
    try:
        fixer = get_fixer(name)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    text = f"# {fixer.name}\n\n{fixer.doc.strip()}\n"
    if fixer.options:
        text += "\n## Options\n\n" + "\n".join(_option_line(fixer, n, o) for n, o in fixer.options.items()) + "\n"
    if sys.stdout.isatty():
        Console().print(Markdown(text))
    else:
        click.echo(text, nl=False)


def _option_line(fixer: Fixer, name: str, option: Any) -> str:
    choices = f" (one of {', '.join(repr(c) for c in option.choices)})" if option.choices else ""
    return f"- `{fixer.name}.{name}` (default `{option.default!r}`){choices}: {option.help}"

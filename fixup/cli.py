"""The ``fixup`` command line."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from fixup import __version__
from fixup.config import ConfigError

if TYPE_CHECKING:
    from fixup.branch import BranchFlags, BranchRun
    from fixup.config import Config
    from fixup.console import Console
    from fixup.fix import Diagnostic, Report
    from fixup.fixers import Fixer
    from fixup.project import Project
    from fixup.sinks import Sink
    from fixup.verify import Verification

#: ``fixup doctor --timeout``'s default: doctor's DEFAULT_TIMEOUT, written here because
#: importing the doctor to read it would slow every command down (a test keeps them equal).
DOCTOR_TIMEOUT = 30.0

EXIT_OK = 0
EXIT_PENDING = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 123

EXIT_CODES_HELP = """\b
Exit codes:
  0    success: nothing to fix, or the fixes were applied, and no error
  1    --check: fixes are pending (--exit-non-zero-on-fix: fixes were
       applied); in every mode: an error was reported
       (a file fixup could not read or parse, a repair blocked by missing
       history); --exit-zero reports them and exits 0
  2    usage or configuration error, a --verify command that cannot run,
       or fixup refused to write (a dirty or read-only file, a folder it
       cannot write in): nothing was written
  123  internal error (please report it, with the traceback from -v)
  130  interrupted by SIGINT (Ctrl-C); 143 by SIGTERM (128 + the signal's
       number); an interrupted apply writes every file or none"""


OUTPUT_FORMATS = ("text", "json", "github", "sarif")


def resolve_color(flag: bool | None, stream: IO[Any]) -> bool:
    """--color/--no-color, else NO_COLOR (any value: off), else FORCE_COLOR (any value: on,
    even into a pipe), else colour only on a terminal."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


class FixupGroup(click.Group):
    """``fixup [OPTIONS] [PATH]`` runs the fixers; ``fixup list|explain`` are subcommands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (
            args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")
        ):
            args = ["fix", *args]
        return super().parse_args(ctx, args)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # `fixup --help` is the help of the default command (it is hidden from the list).
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
    hidden=True,
    epilog=EXIT_CODES_HELP,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.argument(
    "paths", nargs=-1, metavar="[PATH]...", type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--dry-run",
    "--diff",
    "dry_run",
    is_flag=True,
    help="Print the fixes as a patch (git apply takes it from the repository root); write nothing.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when fixes are pending.")
@click.option(
    "--exit-zero",
    is_flag=True,
    help="Exit 0 even when fixes are pending or errors were reported (usage, refusals, internal errors and interrupts still count).",
)
@click.option(
    "--fold-moves",
    is_flag=True,
    help="With --dry-run: show code a fix moves verbatim between files as one line per run (for review; not a patch).",
)
@click.option("--select", multiple=True, metavar="NAME", help="Run only these fixers (repeatable).")
@click.option(
    "--ignore", multiple=True, metavar="NAME", help="Do not run these fixers (repeatable)."
)
@click.option(
    "--exclude", multiple=True, metavar="GLOB", help="Leave matching files alone (repeatable)."
)
@click.option("--unsafe-fixes", is_flag=True, default=None, help="Also apply fixes marked unsafe.")
@click.option("--allow-dirty", is_flag=True, help="Overwrite files that have uncommitted changes.")
@click.option(
    "--exit-non-zero-on-fix",
    is_flag=True,
    help="When applying: print the fixes applied as diffs and exit 1 if any file changed (pre-commit).",
)
@click.option(
    "--branch",
    metavar="NAME",
    help="Commit the fixes on branch NAME, one commit per fixer; the working tree is not touched.",
)
@click.option("--base", metavar="REF", help="With --branch: build on REF instead of HEAD.")
@click.option(
    "--update",
    is_flag=True,
    help="With --branch: rebuild NAME if it exists (only if fixup made all its commits).",
)
@click.option(
    "--author",
    metavar="'NAME <EMAIL>'",
    help="With --branch: the commits' author (default: git's).",
)
@click.option("--signoff", is_flag=True, help="With --branch: add a Signed-off-by trailer (DCO).")
@click.option(
    "--pr",
    is_flag=True,
    help="Push the branch (default fixup/auto) and open or update a GitHub pull request; token from GITHUB_TOKEN or GH_TOKEN.",
)
@click.option("--remote", metavar="NAME", help="With --pr: the remote to push to (default origin).")
@click.option(
    "--force",
    is_flag=True,
    help="With --pr: propose the fixes even though a pull request with the same fixes was closed unmerged.",
)
@click.option(
    "--take-back",
    is_flag=True,
    help="With --pr: rebuild the branch even though a person pushed to it; their commits are named, then dropped.",
)
@click.option(
    "--label",
    "labels",
    multiple=True,
    metavar="LABEL",
    help="With --pr: label the pull request (repeatable; default fixup).",
)
@click.option(
    "--api-url",
    metavar="URL",
    help="With --pr: the GitHub REST API root, https only, on the remote's host (GitHub Enterprise Server: https://HOST/api/v3; default: GITHUB_API_URL, else api.github.com or api.HOST for *.ghe.com).",
)
@click.option(
    "--verify",
    "verify_command",
    metavar="CMD",
    help="Run CMD (or 'imports': the doctor's import check) on a scratch copy without and with the fixes; a fix that makes it fail where it passed is found by bisection and dropped.",
)
@click.option(
    "--output-format",
    "--format",
    "output_format",
    type=click.Choice(OUTPUT_FORMATS),
    default="text",
    help="text: diffs with --dry-run; json; github: workflow-command annotations; sarif: SARIF 2.1.0 for code scanning.",
)
@click.option(
    "--statistics",
    is_flag=True,
    help="Count fixes per fixer and diagnostics per severity and fixer (on stdout with text output, instead of the diffs).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read [tool.fixup] from this file instead of the nearest pyproject.toml (from PATH up) that has it.",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the result cache.")
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the output (default: on a terminal; NO_COLOR turns it off, FORCE_COLOR on).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors on stderr.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Explain more: import roots, informational notes, tracebacks.",
)
@click.version_option(__version__, prog_name="fixup")
def fix_command(
    paths: tuple[Path, ...],
    dry_run: bool,
    check: bool,
    exit_zero: bool,
    fold_moves: bool,
    select: Sequence[str],
    ignore: Sequence[str],
    exclude: Sequence[str],
    unsafe_fixes: bool | None,
    allow_dirty: bool,
    exit_non_zero_on_fix: bool,
    branch: str | None,
    base: str | None,
    update: bool,
    author: str | None,
    signoff: bool,
    pr: bool,
    remote: str | None,
    force: bool,
    take_back: bool,
    labels: Sequence[str],
    api_url: str | None,
    verify_command: str | None,
    output_format: str,
    statistics: bool,
    config_file: Path | None,
    no_cache: bool,
    color: bool | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Find and repair what breaks the backend at each PATH (default: the current folder).

    Without --dry-run or --check the fixes are written to the working tree. Several PATHs are
    separate projects, run one after the other; the exit code is the worst of them.
    """
    # Imported here, not at the top: `fixup --version` and `--help` must start fast.
    from fixup.console import make_console
    from fixup.sinks import RefusedError, WriteError, interruptible

    branch_args = (branch, base, update, author, signoff, pr, remote, force, labels, api_url)
    branch_flags = None
    if any(branch_args) or take_back:  # the branch and bot machinery loads only when asked for
        from fixup.branch import BranchFlags

        branch_flags = BranchFlags(
            branch,
            base,
            update,
            author,
            signoff,
            pr,
            remote,
            force,
            tuple(labels),
            api_url,
            take_back=take_back,
        )
    err_color = resolve_color(color, sys.stderr)
    # Coloured: even into a pipe; not coloured into a pipe: no escape codes at all.
    err = make_console(stderr=True, color=err_color)
    paths = paths or (Path("."),)
    output = Output(
        output_format,
        color=resolve_color(color, sys.stdout),
        statistics=statistics,
        several=len(paths) > 1,
    )
    codes = []
    for path in paths:
        if output.several and not quiet:
            err.print(f"==> {path}", style="bold", markup=False)
        try:
            if output.several and (branch or pr):
                raise ConfigError("--branch and --pr take one PATH")
            with interruptible():
                code = _fix(
                    path,
                    dry_run,
                    check,
                    select,
                    ignore,
                    exclude,
                    unsafe_fixes,
                    allow_dirty,
                    output,
                    config_file,
                    no_cache,
                    quiet,
                    verbose,
                    err,
                    branch_flags=branch_flags,
                    verify_command=verify_command,
                    fold_moves=fold_moves,
                    exit_non_zero_on_fix=exit_non_zero_on_fix,
                )
        except ConfigError as exc:
            err.print(f"fixup: error: {exc}", markup=False)
            code = EXIT_USAGE
        except RefusedError as exc:
            err.print(f"fixup: refused: {exc}", markup=False)
            code = EXIT_USAGE
        except WriteError as exc:
            err.print(f"fixup: error: {exc}", markup=False)
            code = EXIT_USAGE
        except KeyboardInterrupt as exc:
            code = _interrupted(exc, err, "fixup")
            codes.append(code)
            break  # interrupted: the other PATHs are not run
        except Exception as exc:
            err.print(f"fixup: internal error: {type(exc).__name__}: {exc}", markup=False)
            if verbose:
                err.print(traceback.format_exc(), markup=False)
            else:
                err.print("(run with -v for the traceback)", markup=False)
            code = EXIT_INTERNAL
        if exit_zero and code == EXIT_PENDING:
            code = EXIT_OK
        codes.append(code)
    if output.format == "sarif":
        from fixup.formats import sarif_log

        json.dump(sarif_log(output.sarif_runs), sys.stdout, indent=2)
        sys.stdout.write("\n")
    sys.exit(max(codes))


@dataclass
class Output:
    """What goes to stdout, and how."""

    #: One of OUTPUT_FORMATS.
    format: str
    color: bool = False
    statistics: bool = False
    #: Several PATHs: JSON objects one a line (JSON Lines), SARIF runs with a category each.
    several: bool = False
    #: The SARIF runs so far: all PATHs go into one log, printed at the end.
    sarif_runs: list[dict[str, Any]] = field(default_factory=list)


def _fix(
    path: Path,
    dry_run: bool,
    check: bool,
    select: Sequence[str],
    ignore: Sequence[str],
    exclude: Sequence[str],
    unsafe_fixes: bool | None,
    allow_dirty: bool,
    output: Output,
    config_file: Path | None,
    no_cache: bool,
    quiet: bool,
    verbose: bool,
    err: Console,
    branch_flags: BranchFlags | None = None,
    verify_command: str | None = None,
    fold_moves: bool = False,
    exit_non_zero_on_fix: bool = False,
) -> int:
    from fixup.config import load_config
    from fixup.project import Project
    from fixup.runcache import cache_for, run_key
    from fixup.runcache import load as load_run
    from fixup.runcache import save as save_run

    if not path.is_dir():
        raise ConfigError(f"{path}: no such folder")
    if fold_moves and not (dry_run and output.format == "text"):
        raise ConfigError("--fold-moves shapes the --dry-run text output; use it with --dry-run")
    config = load_config(path, config_file).with_flags(select, ignore, exclude, unsafe_fixes)
    branch_options = branch_flags.resolve(config) if branch_flags is not None else None
    branch_run = None
    if branch_options is not None:
        if dry_run or check:
            raise ConfigError(
                "--branch and --pr write commits; they do not go with --dry-run or --check"
            )
        _fixers(config)  # validate before any work
        from fixup.branch import prepare as prepare_branch

        branch_run = prepare_branch(path, branch_options, config)
    if branch_run is None:
        project = Project.load(path, config)
    else:
        from fixup.branch import load_base

        project = load_base(branch_run, path, config)
    if verbose:
        _print_apps(project, err)
        err.print(
            f"{len(project.files)} Python files, fixers: "
            f"{', '.join(f.name for f in _fixers(config))}",
            markup=False,
        )

    # A re-run on an unchanged project takes the last run's outcome and loads no fixer.
    cache = cache_for(project, enabled=not no_cache and branch_run is None)
    key = run_key(project, config) if cache.enabled else None
    report = load_run(cache, key, project) if key else None
    if report is None:
        report = _run_with_progress(project, _fixers(config), config, not no_cache, err, quiet)
        if key:
            save_run(cache, key, report)
    verification = _verify(report, verify_command, err, quiet) if verify_command else None
    if verification is not None:
        report = verification.report

    def emit(applied: bool) -> None:
        _emit(
            report,
            output,
            err,
            applied=applied,
            check=check,
            dry_run=dry_run,
            fold_moves=fold_moves,
            verification=verification,
            verbose=verbose,
        )

    _print_diagnostics(report.diagnostics, err, quiet, verbose)

    if branch_run is not None and verification is not None:
        branch_run = dataclasses.replace(branch_run, verification=verification.markdown())

    def show_applied() -> None:
        # The pre-commit hook: show what was applied (then the run fails because files changed).
        from fixup.report import print_text, write_patch

        if output.format == "text" and output.color:
            print_text(report, sys.stdout, color=True)
        elif output.format == "text":
            write_patch(report, sys.stdout)

    sink = _choose_sink(
        dry_run,
        check,
        output.format,
        allow_dirty,
        branch_run,
        show_applied if exit_non_zero_on_fix else None,
    )
    code = sink.deliver(report, err, quiet=quiet, emit=emit)
    if code not in (EXIT_OK, EXIT_PENDING):
        return code  # the branch sink refused: errors do not change that
    return _exit_status(report, err, quiet, pending=code == EXIT_PENDING)


def _choose_sink(
    dry_run: bool,
    check: bool,
    output_format: str,
    allow_dirty: bool,
    branch_run: BranchRun | None,
    on_fixed: Callable[[], None] | None = None,
) -> Sink:
    """Where the fixes go: the one place that decides it."""
    from fixup.sinks import Preview, WorkingTree

    if check or dry_run:
        # In pre-commit's private virtualenv `fixup` is no command of the user's.
        hint = (
            "apply them with the fixup hook: pre-commit run fixup --all-files."
            if os.environ.get("PRE_COMMIT") == "1"
            else "run fixup without --dry-run/--check to apply."
        )
        return Preview(check=check, printed=dry_run or output_format != "text", apply_hint=hint)
    if branch_run is not None:
        from fixup.branch import BranchSink

        return BranchSink(branch_run)
    return WorkingTree(allow_dirty=allow_dirty, on_fixed=on_fixed)


def _fixers(config: Config) -> list[Fixer]:
    """The fixers to run, their options validated (this imports them, and so libcst)."""
    from fixup.fixers import check_fixer_options, select_fixers

    check_fixer_options(config)
    fixers = select_fixers(config.select, config.ignore, config.options)
    for fixer in fixers:
        fixer.resolve_options(config)
    return fixers


def _interrupted(exc: KeyboardInterrupt, err: Console, prog: str) -> int:
    """Say what stopped the run (and what was written); the exit status: 128 + the signal."""
    from fixup.sinks import Interrupted

    # Interrupted: SIGINT or SIGTERM under interruptible(); a bare KeyboardInterrupt: SIGINT.
    signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
    detail = exc.detail if isinstance(exc, Interrupted) else ""
    err.print(
        f"{prog}: interrupted by {signal.Signals(signum).name}" + (f": {detail}" if detail else ""),
        markup=False,
    )
    return 128 + signum


def _exit_status(report: Report, err: Console, quiet: bool, *, pending: bool) -> int:
    """1 when fixes are pending (``--check``) or any error was reported, else 0."""
    errors = sum(d.severity == "error" for d in report.diagnostics)
    if errors and not quiet:
        err.print(
            f"{errors} error{'s' * (errors != 1)} reported (exit status 1; --exit-zero to report only).",
            markup=False,
        )
    return EXIT_PENDING if pending or errors else EXIT_OK


def _print_apps(project: Project, err: Console) -> None:
    """``-v``: each app, the import roots its files see, and the evidence for each root."""
    roots = project.roots
    for folder, sys_path in roots.apps():
        if folder and not any(p.startswith(folder + "/") for p in project.files):
            continue
        name = f"app {folder}/" if folder else "shared roots (every app)"
        listing = ", ".join(f"{r or '.'}/" for r in sys_path)
        err.print(f"{name}: sys.path = {listing}", markup=False)
        for root in sys_path if folder else roots.shared:
            if folder and root not in roots.local:
                continue
            err.print(f"  import root {root or '.'}/: {roots.sources.get(root, '')}", markup=False)


def _emit(
    report: Report,
    output: Output,
    err: Console,
    *,
    applied: bool,
    check: bool,
    dry_run: bool,
    fold_moves: bool,
    verification: Verification | None,
    verbose: bool,
) -> None:
    """The run's result on stdout, in the chosen format (``applied``: the fixes were written)."""
    if output.format == "text" and not output.statistics and not dry_run:
        return  # nothing for stdout: the formatting modules stay unloaded
    from fixup.formats import github_commands, sarif_run, statistics, statistics_text
    from fixup.report import print_json, print_text, write_patch

    out = sys.stdout
    stats = statistics(report) if output.statistics else None
    if output.format == "json":
        extra: dict[str, Any] = {}
        if stats is not None:
            extra["statistics"] = stats
        if verification is not None:
            extra["verification"] = verification.to_json()
        print_json(report, out, extra, applied=applied, compact=output.several)
    elif output.format == "github":
        for line in github_commands(report, applied=applied, check=check, verbose=verbose):
            out.write(line + "\n")
    elif output.format == "sarif":
        project = report.before
        category = None
        if output.several:
            where = project.git.prefix if project.git is not None else str(project.root)
            category = f"fixup/{where or '.'}/"
        output.sarif_runs.append(sarif_run(report, applied=applied, check=check, category=category))
    elif stats is not None:
        out.write(statistics_text(stats))
    elif dry_run and output.color:
        print_text(report, out, color=True, fold_moves=fold_moves)
    elif dry_run:
        for exc in write_patch(report, out, fold_moves=fold_moves):
            err.print(
                f"fixup: {exc.path}: not expressible as a patch ({exc.reason}); "
                "run fixup without --dry-run to apply the fix",
                style="yellow",
                markup=False,
            )
    if stats is not None and output.format in ("github", "sarif"):
        err.print(statistics_text(stats), end="", markup=False)


def _run_with_progress(
    project: Project,
    fixers: list[Fixer],
    config: Config,
    use_cache: bool,
    err: Console,
    quiet: bool,
) -> Report:
    from fixup.console import PlainConsole
    from fixup.pipeline import run

    # FORCE_COLOR colours a pipe, but draws no bar there (a terminal always gets rich's console).
    if quiet or not sys.stderr.isatty() or isinstance(err, PlainConsole):
        return run(project, fixers, config, use_cache=use_cache)
    from rich.console import Console as RichConsole
    from rich.progress import BarColumn, Progress, TextColumn

    assert isinstance(err, RichConsole)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=err,
        transient=True,
        # No refresh thread: fixers fork worker processes, and forking a threaded process can
        # deadlock the child on a lock the thread held.
        auto_refresh=False,
    ) as progress:
        task = progress.add_task("fixers", total=len(fixers))

        def on_fixer(fixer: Fixer) -> None:
            progress.update(
                task, description=f"running {fixer.name}", completed=fixers.index(fixer)
            )
            progress.refresh()

        report = run(project, fixers, config, use_cache=use_cache, on_fixer=on_fixer)
        progress.update(task, completed=len(fixers))
    return report


def _print_diagnostics(
    diagnostics: list[Diagnostic], err: Console, quiet: bool, verbose: bool
) -> None:
    # One line per cause: the same message at several places is said once, with a count and
    # the other places (all of them with -v).
    causes: dict[tuple[str, str | None, str], list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        if diagnostic.severity == "info" and not verbose:
            continue
        if quiet and diagnostic.severity != "error":
            continue
        key = (diagnostic.severity, diagnostic.fixer, diagnostic.message)
        causes.setdefault(key, []).append(diagnostic)
    for (severity, _, _), same in causes.items():
        style = {"error": "red", "warning": "yellow"}.get(severity, "dim")
        text = f"{severity}: {same[0]}"
        if len(same) > 1:
            shown = same[1:] if verbose else same[1:4]
            places = ", ".join(f"{d.path}:{d.line}" if d.line else str(d.path) for d in shown)
            more = "" if len(shown) == len(same) - 1 else ", ..."
            text += f" ({len(same)} places; also {places}{more})"
        err.print(text, style=style, markup=False)


def _verify(report: Report, command: str, err: Console, quiet: bool) -> Verification | None:
    """``--verify CMD``: the verification (its ``report`` without the fixes it dropped)."""
    from fixup.verify import make_check, verify

    if not report.fixes:
        return None
    check = make_check(command)
    result = verify(
        report, check, on_step=None if quiet else lambda m: err.print(m, style="dim", markup=False)
    )
    for line in result.lines(include_dropped=False):
        if not quiet or not result.passed:
            err.print(
                line, style="yellow" if result.dropped or not result.passed else "", markup=False
            )
    return result


@main.command("list")
def list_command() -> None:
    """List the fixers in pipeline order, one line each."""
    _print_fixers()


def _print_fixers() -> None:
    from fixup.fixers import all_fixers

    width = max(len(f.name) for f in all_fixers())
    for fixer in all_fixers():
        click.echo(f"{fixer.name:<{width}}  {fixer.summary}")
        when = (
            "runs by default: a repair"
            if fixer.on_request is None
            else f"runs on request (--select {fixer.name} or [tool.fixup.{fixer.name}]): "
            f"{fixer.on_request}"
        )
        click.echo(f"{'':<{width}}  {when}")


@main.command("explain")
@click.argument("name", required=False)
def explain_command(name: str | None) -> None:
    """Print a fixer's documentation as Markdown (without NAME: the list of fixers)."""
    from fixup.fixers import get_fixer
    from fixup.formats import markdown_doc

    if name is None:
        _print_fixers()
        return
    try:
        fixer = get_fixer(name)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    text = f"# {fixer.name}\n\n{fixer.doc.strip()}\n"
    if fixer.options:
        text += (
            "\n## Options\n\n"
            + "\n".join(_option_line(fixer, n, o) for n, o in fixer.options.items())
            + "\n"
        )
    text = markdown_doc(text)
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown  # only here: it is slow to import

        Console().print(Markdown(text))
    else:
        click.echo(text, nl=False)


def _option_line(fixer: Fixer, name: str, option: Any) -> str:
    choices = f" (one of {', '.join(repr(c) for c in option.choices)})" if option.choices else ""
    return f"- `{fixer.name}.{name}` (default `{option.default!r}`){choices}: {option.help}"


DOCTOR_EXIT_CODES_HELP = """\b
Exit codes:
  0    every module imports once the pending fixes are applied
  1    some module still fails to import after the fixes (a missing
       dependency, a time-out or a module that exits count as failures)
  2    usage or configuration error (e.g. no interpreter found, or
       one that does not satisfy the project's requires-python)
  123  internal error (please report it, with the traceback from -v)
  130  interrupted by SIGINT (Ctrl-C); 143 by SIGTERM"""


@main.command("doctor", epilog=DOCTOR_EXIT_CODES_HELP)
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option(
    "--python",
    "python",
    metavar="PATH",
    help="The project's interpreter (default: $VIRTUAL_ENV's python, else python3 on PATH).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    default=DOCTOR_TIMEOUT,
    show_default=True,
    help="Seconds each module may take to import.",
)
@click.option(
    "--entry",
    "entries",
    multiple=True,
    metavar="FILE|MODULE",
    help="An app entry point to check (default: main.py, dev_server.py, alembic env.py's imports; repeatable).",
)
@click.option(
    "--select",
    multiple=True,
    metavar="NAME",
    help="Apply only these fixers for the 'after' column (repeatable).",
)
@click.option(
    "--ignore", multiple=True, metavar="NAME", help="Do not apply these fixers (repeatable)."
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Neither import nor fix matching files (repeatable).",
)
@click.option("--unsafe-fixes", is_flag=True, default=None, help="Also apply fixes marked unsafe.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read [tool.fixup] from this file instead of the nearest pyproject.toml (from PATH up) that has it.",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the result cache.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    help="Output format.",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="List every module, with tracebacks and output."
)
def doctor_command(
    path: Path,
    python: str | None,
    timeout: float,
    entries: Sequence[str],
    select: Sequence[str],
    ignore: Sequence[str],
    exclude: Sequence[str],
    unsafe_fixes: bool | None,
    config_file: Path | None,
    no_cache: bool,
    output_format: str,
    verbose: bool,
) -> None:
    """Import every module of the project at PATH, before and after the pending fixes.

    Each module is imported in the project's own interpreter, from a temporary copy of the
    project (nothing is written to PATH), with a time limit; failures are shown with file,
    line and the fixer that repairs them.
    """
    from rich.console import Console

    from fixup.doctor import run_doctor
    from fixup.sinks import interruptible

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        code = interruptible()(run_doctor)(
            path,
            python=python,
            timeout=timeout,
            entries=entries,
            select=select,
            ignore=ignore,
            exclude=exclude,
            unsafe_fixes=unsafe_fixes,
            config_file=config_file,
            use_cache=not no_cache,
            output_format=output_format,
            verbose=verbose,
            out=sys.stdout,
            say=lambda message: err.print(message, style="dim", markup=False),
        )
    except ConfigError as exc:
        err.print(f"fixup doctor: error: {exc}", markup=False)
        code = EXIT_USAGE
    except KeyboardInterrupt as exc:
        code = _interrupted(exc, err, "fixup doctor")
    except Exception as exc:
        err.print(f"fixup doctor: internal error: {type(exc).__name__}: {exc}", markup=False)
        err.print(
            traceback.format_exc() if verbose else "(run with -v for the traceback)", markup=False
        )
        code = EXIT_INTERNAL
    sys.exit(code)

"""Ecosystem check: run fixup with its defaults on real, healthy projects (like ruff's).

Run from anywhere, in a virtualenv where fixup is installed (or name the executable):

    python bench/ecosystem.py                          # every package, with test suites
    python bench/ecosystem.py --skip-tests             # fixup only: minutes, not tens of them
    python bench/ecosystem.py --only fastapi --only alembic
    python bench/ecosystem.py --fixup /path/to/other/venv/bin/fixup

For each sdist pinned in bench/ecosystem.toml (downloaded once with pip and unpacked into
bench/.work/, git-ignored), on a copy that is its own git repository with everything committed:

1. ``fixup --check --format json --no-cache`` (``--output-format`` when the fixup measured has
   it): fixes by fixer (proposed and skipped), diagnostics by severity with every error message,
   exit code, wall and CPU time, peak memory (the largest process's ``ru_maxrss``, read in a
   fresh wrapper process per run);
2. ``fixup`` with no flags applies the fixes; every changed or created ``.py`` file is compiled
   as ``python -m py_compile`` does (a file that did not compile before either is told apart);
3. ``fixup --check`` again on the result: any fix it still proposes is an idempotency defect;
4. the package's own tests (a fast subset, in a pinned virtualenv of their own under
   bench/.work/venvs/) on a pristine copy and on the fixed tree: a test that passes before and
   fails after is a regression. A package whose suite cannot run here says why.

A healthy project should get no fix at all from the defaults: every fix is a finding to explain
(a real latent bug) or a false positive. It prints a markdown table and writes every detail to
bench/.work/ecosystem.json, and each fixed tree's diff to bench/.work/ecosystem/NAME.diff.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import (
    BENCH,
    WORK,
    Measured,
    clean_env,
    default_fixup,
    ensure_venv,
    fetch,
    format_flag,
    fresh_copy,
    machine,
    markdown_table,
    measure,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # fixup supports 3.10, where tomli is its dependency
    import tomli as tomllib

#: Scratch copies: bench/.work/<results file name>-runs/NAME (two runs never share one).
RUNS = WORK / "ecosystem-runs"
OUT = WORK / "ecosystem"
VENVS = WORK / "venvs"
EXIT_CRASH = 123
#: A test subset that takes longer has hung (a test waiting for a server that never starts).
TEST_TIMEOUT = 900


@dataclass
class Package:
    name: str
    version: str
    package: str
    why: str
    requires: list[str] = field(default_factory=list)
    tests: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


def load_packages() -> list[Package]:
    data = tomllib.loads((BENCH / "ecosystem.toml").read_text())
    return [Package(**entry) for entry in data["package"]]


# ---------------------------------------------------------------------------- fixup


def fixup_env(package: Package) -> dict[str, str]:
    # fixup's cache (used by the plain apply run) lives under bench/.work/, not in ~/.cache.
    return {**clean_env(), "FIXUP_CACHE_DIR": str(WORK / "cache" / "ecosystem" / package.name)}


def check_run(fixup: Path, flag: str, tree: Path, package: Package) -> dict[str, Any]:
    """``fixup --check`` with JSON output: what the defaults propose on this tree."""
    run = measure(
        [str(fixup), "--check", flag, "json", "--no-cache", "."], tree, fixup_env(package)
    )
    result = summarise(run)
    result["command"] = f"fixup --check {flag} json --no-cache ."
    return result


def summarise(run: Measured) -> dict[str, Any]:
    """Fixes by fixer and diagnostics by severity from one run's JSON report."""
    result: dict[str, Any] = {
        "exit": run.exit,
        "crashed": run.exit == EXIT_CRASH,
        "wall": run.wall,
        "cpu": run.cpu,
        "peak_mib": run.peak_mib,
        "stderr_tail": run.stderr[-3000:],
    }
    try:
        report = json.loads(run.stdout)
    except ValueError:
        result["report"] = None
        result["fixes"] = result["skipped"] = 0
        result["fixes_by_fixer"] = result["skipped_by_fixer"] = {}
        result["diagnostics_by_severity"] = {}
        result["errors"] = [f"no JSON report (exit {run.exit})"]
        return result
    # JSON schema 2: `applied` is true only once written (false under --check); a fix not
    # proposed carries its `skipped_reason`. Schema 1 marked skipped fixes `applied: false`.
    if report.get("schema", 1) >= 2:
        fixes = [f for f in report.get("fixes", []) if not f.get("skipped_reason")]
        skipped = [f for f in report.get("fixes", []) if f.get("skipped_reason")]
    else:
        fixes = [f for f in report.get("fixes", []) if f.get("applied", True)]
        skipped = [f for f in report.get("fixes", []) if not f.get("applied", True)]
    diagnostics = report.get("diagnostics", [])
    result.update(
        {
            "fixes": len(fixes),
            "skipped": len(skipped),
            "fixes_by_fixer": dict(Counter(f["fixer"] for f in fixes).most_common()),
            "skipped_by_fixer": dict(Counter(f["fixer"] for f in skipped).most_common()),
            "fix_titles": [
                {
                    "fixer": f["fixer"],
                    "title": f["title"],
                    "safe": f.get("safe"),
                    "files": [c["path"] for c in f.get("files", [])],
                }
                for f in fixes
            ],
            "skipped_titles": [
                {"fixer": f["fixer"], "title": f["title"], "reason": f.get("skipped_reason")}
                for f in skipped
            ],
            "diagnostics_by_severity": dict(
                Counter(d.get("severity", "?") for d in diagnostics).most_common()
            ),
            "errors": [
                f"{d.get('path') or ''}:{d.get('line') or ''}: [{d.get('fixer') or ''}] {d['message']}"
                for d in diagnostics
                if d.get("severity") == "error"
            ],
            "diagnostics": diagnostics,
            "roots": report.get("roots"),
        }
    )
    return result


def apply_run(fixup: Path, tree: Path, package: Package) -> dict[str, Any]:
    """``fixup`` with no flags, then what it changed according to git."""
    run = measure([str(fixup)], tree, fixup_env(package))
    git = ["git", "-C", str(tree)]
    subprocess.run([*git, "add", "-A", "-f", "."], check=True)
    status = subprocess.run(
        [*git, "diff", "--cached", "--name-status", "--no-renames"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    numstat = subprocess.run(
        [*git, "diff", "--cached", "--numstat", "--no-renames"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    diff = subprocess.run(
        [*git, "diff", "--cached"], capture_output=True, text=True, check=True
    ).stdout
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{package.name}.diff").write_text(diff)
    changes = [line.split("\t", 1) for line in status.splitlines() if line]
    added = removed = 0
    for line in numstat.splitlines():
        a, r, _ = line.split("\t", 2)
        if a != "-":
            added, removed = added + int(a), removed + int(r)
    # Commit the fixed state, so that the second run does not count on --allow-dirty.
    subprocess.run(
        [
            *git,
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@localhost",
            "commit",
            "-q",
            "--no-verify",
            "--allow-empty",
            "-m",
            "fixup",
        ],
        check=True,
    )
    return {
        "exit": run.exit,
        "crashed": run.exit == EXIT_CRASH,
        "wall": run.wall,
        "peak_mib": run.peak_mib,
        "stderr_tail": run.stderr[-3000:],
        "files": {path: action for action, path in changes},
        "lines_added": added,
        "lines_removed": removed,
        "diff": str((OUT / f"{package.name}.diff").relative_to(BENCH.parent)),
    }


# Compiles each file as ``python -m py_compile FILE`` does (bytecode into a scratch prefix, so
# the tree gets no __pycache__), and prints the failures as JSON.
COMPILE = r"""
import json, py_compile, sys
failed = {}
for path in sys.argv[1:]:
    try:
        py_compile.compile(path, doraise=True)
    except py_compile.PyCompileError as exc:
        failed[path] = exc.msg.strip().splitlines()[-1][:300]
print(json.dumps(failed))
"""


def compile_files(python: str, tree: Path, files: list[str]) -> dict[str, str]:
    if not files:
        return {}
    env = {**clean_env(), "PYTHONPYCACHEPREFIX": str(WORK / "pycache")}
    done = subprocess.run(
        [python, "-c", COMPILE, *files], cwd=tree, capture_output=True, text=True, env=env
    )
    failed: dict[str, str] = json.loads(done.stdout)
    return failed


# ---------------------------------------------------------------------------- the tests


def run_tests(python: Path, tree: Path, package: Package) -> dict[str, Any]:
    tests = package.tests
    args = [a.replace("{source}", str(tree)) for a in tests["args"]]
    env = {**clean_env(), **tests.get("env", {})}
    where = imported_from(python, tree, package, env)
    command = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE", *args]
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=tree, capture_output=True, text=True, timeout=TEST_TIMEOUT, env=env
        )
    except subprocess.TimeoutExpired:
        return {
            "command": " ".join(["pytest", *tests["args"]]),
            "summary": f"timed out after {TEST_TIMEOUT} s",
            "exit": None,
            "counts": {},
            "failed": [],
            "seconds": TEST_TIMEOUT,
            "package_imported_from": where,
            "package_from_tree": where.startswith(str(tree.resolve())),
        }
    seconds = time.perf_counter() - start
    summary = next(
        (
            line.strip("= ")
            for line in reversed(done.stdout.splitlines())
            if re.search(r"\d+ (passed|failed|errors?|skipped)", line)
        ),
        # No summary line: pytest stopped early (a conftest or the package failed to import).
        f"no test ran (pytest exit {done.returncode}): "
        + " | ".join((done.stdout + done.stderr).strip().splitlines()[-3:]),
    )
    failed = sorted(
        {
            line.split()[1]
            for line in done.stdout.splitlines()
            if line.startswith(("FAILED ", "ERROR ")) and len(line.split()) > 1
        }
    )
    return {
        "command": " ".join(["pytest", *tests["args"]]),
        "exit": done.returncode,
        "summary": summary,
        "counts": counts(summary),
        "failed": failed,
        "seconds": seconds,
        "package_imported_from": where,
        "package_from_tree": where.startswith(str(tree.resolve())),
    }


def counts(summary: str) -> dict[str, int]:
    """``{"passed": 478, "failed": 1, ...}`` from pytest's closing line."""
    found: dict[str, int] = {}
    for number, word in re.findall(
        r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)", summary
    ):
        found["errors" if word == "error" else word] = int(number)
    return found


def imported_from(python: Path, tree: Path, package: Package, env: dict[str, str]) -> str:
    """Where the tests' interpreter imports the package from: it must be the tree."""
    done = subprocess.run(
        [
            str(python),
            "-c",
            f"import importlib.util as u; s = u.find_spec({package.package!r}); "
            "print(s.origin if s else 'not found')",
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        env=env,
    )
    origin = done.stdout.strip() or f"error: {done.stderr.strip()[-300:]}"
    return str(Path(origin).resolve()) if origin.startswith("/") else origin


def compare_tests(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    new_failures = sorted(set(after["failed"]) - set(before["failed"]))
    lost = before["counts"].get("passed", 0) - after["counts"].get("passed", 0)
    regressed = bool(new_failures) or lost > 0 or (before["exit"] == 0 and after["exit"] != 0)
    return {"new_failures": new_failures, "passed_lost": lost, "regressed": regressed}


# ---------------------------------------------------------------------------- one package


def check_package(
    package: Package, fixup: Path, flag: str, with_tests: bool, python: str
) -> dict[str, Any]:
    pristine = fetch(package.name, package.version)
    missing = [p for p in package.requires if not (pristine / p).exists()]
    if missing:
        raise SystemExit(f"{package.label}: the sdist lacks {', '.join(missing)}")
    py_files = sum(1 for p in pristine.rglob("*.py") if p.is_file())
    print(f"{package.label}: {py_files} Python files", file=sys.stderr, flush=True)
    tree = fresh_copy(pristine, RUNS / package.name)
    entry: dict[str, Any] = {
        "version": package.version,
        "why": package.why,
        "python_files": py_files,
        "check": check_run(fixup, flag, tree, package),
    }
    entry["apply"] = apply = apply_run(fixup, tree, package)
    changed = [
        path for path, action in apply["files"].items() if path.endswith(".py") and action != "D"
    ]
    failed = compile_files(python, tree, changed)
    # A file that did not compile before the fixes either is not the fixes' doing.
    failed_before = compile_files(python, pristine, [p for p in failed if (pristine / p).exists()])
    entry["compile"] = {
        "files": len(changed),
        "failed": failed,
        "broken_by_fixes": sorted(set(failed) - set(failed_before)),
    }
    second = check_run(fixup, flag, tree, package)
    entry["second_run"] = second
    entry["idempotency_defects"] = second["fixes"]
    if not with_tests:
        entry["tests"] = {"status": "not run (--skip-tests)"}
    elif "skip" in package.tests:
        entry["tests"] = {"status": "cannot run", "reason": package.tests["skip"]}
    else:
        venv = ensure_venv(VENVS / package.name, package.tests["requirements"])
        print(f"{package.label}: its tests, before and after", file=sys.stderr, flush=True)
        before_tree = fresh_copy(pristine, RUNS / f"{package.name}-pristine")
        before = run_tests(venv, before_tree, package)
        after = run_tests(venv, tree, package)
        shutil.rmtree(before_tree, ignore_errors=True)
        status = "run"
        if not (before.get("package_from_tree") and after.get("package_from_tree")):
            status = "invalid: the package was not imported from the tree"
        entry["tests"] = {
            "status": status,
            "before": before,
            "after": after,
            **compare_tests(before, after),
        }
    shutil.rmtree(tree, ignore_errors=True)
    return entry


# ---------------------------------------------------------------------------- report


def table(results: dict[str, Any]) -> str:
    header = [
        "package",
        ".py files",
        "fixes (by fixer)",
        "skipped",
        "diagnostics E/W/I",
        "exit",
        "wall s",
        "CPU s",
        "peak MiB",
        "files changed",
        "don't compile",
        "2nd run fixes",
        "tests before → after",
    ]
    rows = []
    for name, entry in results["packages"].items():
        check = entry["check"]
        by_fixer = ", ".join(f"{k} {v}" for k, v in check["fixes_by_fixer"].items())
        severity = check["diagnostics_by_severity"]
        tests = entry["tests"]
        rows.append(
            [
                f"{name} {entry['version']}",
                str(entry["python_files"]),
                f"**{check['fixes']}**" + (f" ({by_fixer})" if by_fixer else ""),
                str(check["skipped"]),
                "/".join(str(severity.get(s, 0)) for s in ("error", "warning", "info")),
                str(check["exit"]) + (" (crash)" if check["crashed"] else ""),
                f"{check['wall']:.1f}",
                f"{check['cpu']:.1f}",
                f"{check['peak_mib']:.0f}",
                str(len(entry["apply"]["files"])),
                str(len(entry["compile"]["broken_by_fixes"])),
                str(entry["idempotency_defects"]),
                tests_cell(tests),
            ]
        )
    return markdown_table(header, rows, left=(0, 2, 12))


def tests_cell(tests: dict[str, Any]) -> str:
    if tests["status"] != "run":
        return str(tests["status"]) + (f": {tests['reason']}" if "reason" in tests else "")

    def short(run: dict[str, Any]) -> str:
        c = run["counts"]
        bad = c.get("failed", 0) + c.get("errors", 0)
        return f"{c.get('passed', 0)} passed" + (f", {bad} failed or errors" if bad else "")

    verdict = "**REGRESSED**" if tests["regressed"] else "same"
    return f"{short(tests['before'])} → {short(tests['after'])} ({verdict})"


def grouped(items: list[dict[str, Any]], show: Callable[[dict[str, Any]], str]) -> list[str]:
    """One line per item, at most ``SHOWN`` per fixer (the JSON file has them all)."""
    lines = []
    by_fixer: Counter[str] = Counter()
    for item in items:
        by_fixer[item["fixer"]] += 1
        if by_fixer[item["fixer"]] <= SHOWN:
            lines.append(f"- {show(item)}")
    lines += [
        f"- ... and {count - SHOWN} more [{fixer}]"
        for fixer, count in by_fixer.items()
        if count > SHOWN
    ]
    return lines


SHOWN = 5


def details(results: dict[str, Any]) -> str:
    lines = []
    for name, entry in results["packages"].items():
        check = entry["check"]
        lines.append(f"\n### {name} {entry['version']}")
        lines += grouped(
            check.get("fix_titles", []),
            lambda f: f"fix [{f['fixer']}]{'' if f['safe'] else ' (unsafe)'} {f['title']}",
        )
        lines += grouped(
            check.get("skipped_titles", []),
            lambda f: f"skipped [{f['fixer']}] {f['title']}: {f['reason']}",
        )
        causes = Counter(error.split(": ", 1)[-1] for error in check["errors"])
        for cause, count in causes.most_common(SHOWN):
            lines.append(f"- error ({count}x): {cause[:300]}")
        if len(causes) > SHOWN:
            lines.append(f"- ... and {len(causes) - SHOWN} more distinct error messages")
        if check["crashed"]:
            lines.append(f"- CRASH: {check['stderr_tail'][-500:]}")
        for path, error in entry["compile"]["failed"].items():
            lines.append(f"- compile after the fixes: {path}: {error}")
        for fix in entry["second_run"].get("fix_titles", []):
            lines.append(f"- second run still fixes [{fix['fixer']}] {fix['title']}")
        tests = entry["tests"]
        if tests["status"] == "run":
            lines.append(f"- tests (`{tests['before']['command']}`):")
            lines.append(
                f"  before {tests['before']['summary']}; after {tests['after']['summary']}"
            )
            if tests["new_failures"]:
                shown = ", ".join(tests["new_failures"][:5])
                lines.append(f"  new failures ({len(tests['new_failures'])}): {shown}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="only these packages (repeatable)"
    )
    parser.add_argument(
        "--skip-tests", action="store_true", help="do not run the packages' own tests"
    )
    parser.add_argument(
        "--fixup",
        type=Path,
        default=default_fixup(),
        metavar="PATH",
        help="the fixup executable to measure (default: this virtualenv's)",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=WORK / "ecosystem.json",
        metavar="PATH",
        help="where to write the results (default: bench/.work/ecosystem.json)",
    )
    parser.add_argument(
        "--report",
        type=Path,
        action="append",
        metavar="PATH",
        help="run nothing: print the report of saved results (repeatable: merged in order)",
    )
    args = parser.parse_args(argv)
    global RUNS
    RUNS = args.results.resolve().parent / f"{args.results.stem}-runs"
    if args.report:
        saved = [json.loads(path.read_text()) for path in args.report]
        merged = {**saved[0], "packages": {k: v for r in saved for k, v in r["packages"].items()}}
        report(merged)
        return 0
    fixup = args.fixup.resolve()
    if not fixup.exists():
        raise SystemExit(f"{fixup}: no such executable")
    packages = load_packages()
    if args.only:
        unknown = set(args.only) - {p.name for p in packages}
        if unknown:
            raise SystemExit(f"not in ecosystem.toml: {', '.join(sorted(unknown))}")
        packages = [p for p in packages if p.name in args.only]
    flag = format_flag(fixup)
    # Compile with the interpreter fixup runs under: the Python the user's code is checked for.
    python = str(fixup.parent / "python") if (fixup.parent / "python").exists() else sys.executable

    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(fixup),
        "tests_run": not args.skip_tests,
        "packages": {},
    }
    for package in packages:
        results["packages"][package.name] = check_package(
            package, fixup, flag, not args.skip_tests, python
        )
        results["machine"]["load_average_at_end"] = os.getloadavg()
        # Written after each package, so that an interrupted run keeps what it measured.
        args.results.write_text(json.dumps(results, indent=1))
    with contextlib.suppress(OSError):
        RUNS.rmdir()  # empty: each package's copies are removed when it is done
    report(results)
    print(f"full results: {args.results}", file=sys.stderr)
    return 0


def report(results: dict[str, Any]) -> None:
    m = results["machine"]
    print(
        f"{results['date']}: {m['fixup']} ({m['fixup_executable']}), Python {m['python']}, "
        f"{m['cores']} cores, load {m['load_average_at_start'][0]:.1f} → "
        f"{m.get('load_average_at_end', [float('nan')])[0]:.1f}\n"
    )
    print(table(results))
    print(details(results))
    entries = results["packages"].values()
    totals = {
        "fixes": sum(e["check"]["fixes"] for e in entries),
        "crashes": sum(e["check"]["crashed"] for e in entries),
        "idempotency defects": sum(e["idempotency_defects"] for e in entries),
        "files that no longer compile": sum(len(e["compile"]["broken_by_fixes"]) for e in entries),
        "test regressions": sum(bool(e["tests"].get("regressed")) for e in entries),
    }
    print("\ntotals: " + ", ".join(f"{k} {v}" for k, v in totals.items()))


if __name__ == "__main__":
    sys.exit(main())

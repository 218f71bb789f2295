"""Benchmark: make every relative import of real trees absolute with fixup, ruff and absolufy-imports.

Run from anywhere, in fixup's virtualenv (ruff and absolufy-imports installed there):

    python bench/bench_relative_imports.py            # N=3 timed runs per tool, test suites
    python bench/bench_relative_imports.py --quick    # N=1, smaller test subsets

For each pinned sdist in bench/packages.toml (downloaded once with pip into bench/.work/), and
for a small tree this script writes itself with the edge cases the tools disagree on, it:

1. times each tool converting the package's source folder (cold: a fresh copy each run, best
   of N), and fixup's warm re-run (a dry run on the unchanged tree with its cache filled);
2. checks each output: files changed, relative imports left, parse failures, and every
   relative import against the module Python itself resolves it to
   (``importlib.util.resolve_name`` with the file's ``__package__``), plus comments lost and
   statements whose line layout changed; it classifies where the tools' outputs differ;
3. imports every module of each output in a subprocess (a module that imports from the
   pristine tree must import from the converted one), and runs a subset of the sdist's own
   test suite on fixup's output.

It prints a table and writes bench/.work/results.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import dataclasses
import hashlib
import importlib.util
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import tokenize
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import _common
from _common import (
    BENCH,
    PRISTINE,
    WORK,
    Timing,
    best,
    clean_env,
    ensure_venv,
    fresh_copy,
    run_timed,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # fixup supports 3.10, where tomli is its dependency
    import tomli as tomllib

RUNS = WORK / "runs"
ECO_VENV = WORK / "eco-venv"
VENV_BIN = Path(sys.executable).parent
TOOLS = ("fixup", "ruff", "absolufy")

FIXUP_CONFIG = """\
[tool.fixup]
select = ["relative-imports"]

[tool.fixup.relative-imports]
style = "absolute"
"""

RUFF_BAN_ALL = 'lint.flake8-tidy-imports.ban-relative-imports="all"'


@dataclasses.dataclass
class Package:
    name: str
    version: str
    source: str
    package: str
    why: str
    tests: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        return f"{self.name}=={self.version}" if self.version else self.name


# ---------------------------------------------------------------------------- the trees


def load_packages() -> tuple[list[Package], list[str]]:
    data = tomllib.loads((BENCH / "packages.toml").read_text())
    packages = [Package(**entry) for entry in data["package"]]
    return packages, list(data["ecosystem"]["python_packages"])


def fetch(package: Package) -> Path:
    return _common.fetch(package.name, package.version)


# Written for this benchmark (no project's code): the shapes on which ruff and absolufy-imports
# are known to fall short, plus the forms the issue lists.
EDGE_FILES = {
    "src/edgepkg/__init__.py": '''\
"""Edge cases for the relative-imports benchmark."""

from .core import (
    Engine as Engine,
    connect as connect,
)  # noqa: F401
from .core import Engine as _Engine  # noqa: F401
from . import util  # re-exported on purpose
''',
    "src/edgepkg/core.py": '''\
"""Usage, in a docstring that no tool may touch::

    from . import core
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .util import helper; from . import star  # two statements on one line
from .  import util as _util

if TYPE_CHECKING:
    from .sansio.app import App


class Engine:
    pass


def connect() -> object:
    from .sansio import app  # imported late on purpose

    return app

try:
    from ._speedups import fast  # noqa
except ImportError:
    from .util import helper as fast
''',
    "src/edgepkg/util.py": """\
def helper() -> int:
    return 1


def other() -> int:
    return 2
""",
    "src/edgepkg/star.py": "from .util import *  # noqa: F403\n",
    "src/edgepkg/compact.py": "from.util import helper as _helper\n",
    # Comments inside parenthesized re-exports, where a one-line rewrite has no room for them.
    "src/edgepkg/reexports.py": """\
from .util import (
    helper as helper,  # noqa: F401
)
from .core import (
    Engine as Engine,
    connect as connect,  # the public entry point
)  # noqa: F401
from .util import (  # noqa: F401
    other as other,
)
from . import (
    # the helpers module, re-exported whole
    util as util,
)
""",
    # A namespace-package folder: no __init__.py, like flask's sansio/.
    "src/edgepkg/sansio/app.py": """\
from .. import util
from ..util import helper
from .scaffold import (  # the base class
    Scaffold,
)


class App(Scaffold):
    pass
""",
    "src/edgepkg/sansio/scaffold.py": """\
from ..util import (
    helper as helper,
    other as other,
)  # noqa: F401


class Scaffold:
    pass
""",
}

EDGE = Package(
    "edgecases", "", "src", "edgepkg", "written by this script: the shapes the tools disagree on"
)


def write_edge_tree() -> Path:
    tree = PRISTINE / "edgecases"
    shutil.rmtree(tree, ignore_errors=True)
    for rel, text in EDGE_FILES.items():
        path = tree / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tree


def source_files(tree: Path, source: str) -> list[Path]:
    return sorted(p for p in (tree / source).rglob("*.py") if p.is_file())


# ---------------------------------------------------------------------------- the tools


def tool_command(tool: str, tree: Path, package: Package, config: Path) -> list[str]:
    source = str(tree / package.source)
    if tool == "fixup":
        return [
            str(VENV_BIN / "fixup"),
            "--select",
            "relative-imports",
            "--no-cache",
            "--config",
            str(config),
            source,
        ]
    if tool == "ruff":
        return [
            str(VENV_BIN / "ruff"),
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            "TID252",
            "--fix",
            "--unsafe-fixes",
            "--config",
            RUFF_BAN_ALL,
            "--exit-zero",
            "--quiet",
            source,
        ]
    if tool == "absolufy":
        files = [str(p) for p in source_files(tree, package.source)]
        return [str(VENV_BIN / "absolufy-imports"), "--application-directories", source, *files]
    raise ValueError(tool)


def time_tool(
    tool: str, package: Package, pristine: Path, runs: int, config: Path
) -> dict[str, Any]:
    """Best-of-``runs`` cold wall time, each on a fresh copy; the first copy is kept for analysis."""
    times: list[Timing] = []
    digests = set()
    stderr = ""
    for i in range(runs):
        tree = fresh_copy(pristine, RUNS / package.name / (tool if i == 0 else f"{tool}-scratch"))
        timing, done = run_timed(tool_command(tool, tree, package, config), tree)
        # absolufy-imports exits 1 when it changed files; fixup 0; ruff 0 with --exit-zero.
        if done.returncode not in (0, 1):
            raise SystemExit(
                f"{tool} failed on {package.label} ({done.returncode}):\n{done.stderr[-3000:]}"
            )
        times.append(timing)
        digests.add(tree_digest(tree, package.source))
        if i == 0:
            stderr = done.stderr
    shutil.rmtree(RUNS / package.name / f"{tool}-scratch", ignore_errors=True)
    warnings = [line for line in stderr.splitlines() if line.startswith(("warning:", "error:"))]
    return {
        **best(times),
        "deterministic": len(digests) == 1,
        "diagnostics": warnings,
    }


def time_fixup_warm(package: Package, pristine: Path, runs: int, config: Path) -> dict[str, Any]:
    """fixup's re-run on an unchanged tree: one dry run fills the cache, then best of ``runs``."""
    tree = fresh_copy(pristine, RUNS / package.name / "fixup-warm")
    cache = WORK / "cache" / package.name
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "FIXUP_CACHE_DIR": str(cache)}
    command = [
        str(VENV_BIN / "fixup"),
        "--select",
        "relative-imports",
        "--dry-run",
        "--config",
        str(config),
        str(tree / package.source),
    ]
    fill, _ = run_timed(command, tree, env)
    times = [run_timed(command, tree, env)[0] for _ in range(runs)]
    no_cache, _ = run_timed([*command, "--no-cache"], tree, env)
    shutil.rmtree(tree)
    return {**best(times), "fill": fill.wall, "cold_dry_run": no_cache.wall}


def fixup_second_run(package: Package, tree: Path, config: Path) -> bool:
    """A second run on fixup's own output changes nothing."""
    command = [
        str(VENV_BIN / "fixup"),
        "--select",
        "relative-imports",
        "--check",
        "--no-cache",
        "-q",
        "--config",
        str(config),
        str(tree / package.source),
    ]
    return (
        subprocess.run(
            command, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        ).returncode
        == 0
    )


def tree_digest(tree: Path, source: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for path in source_files(tree, source):
        digest.update(str(path.relative_to(tree)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# ---------------------------------------------------------------------------- correctness


@dataclasses.dataclass
class Statement:
    """One relative import of the pristine tree and what a tool made of it."""

    line: int
    text: str
    expected: str
    status: str  # "correct" | "left" | "wrong"
    got: str
    layout_changed: bool
    reasons: tuple[str, ...]


def import_nodes(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    nodes = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    return sorted(nodes, key=lambda n: (n.lineno, n.col_offset))


def package_of(rel: Path) -> str:
    """``__package__`` of a file, from its path below the import root (namespace folders too)."""
    parts = list(rel.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
        return ".".join(parts)
    return ".".join(parts[:-1])


def comments(text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                found[token.string.strip()] += 1
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def in_namespace_folder(pristine: Path, source: str, rel: Path) -> bool:
    folder = rel.parent
    while folder.parts:
        if not (pristine / source / folder / "__init__.py").exists():
            return True
        folder = folder.parent
    return False


def statement_reasons(
    pristine: Path,
    source: str,
    rel: Path,
    node: ast.ImportFrom,
    text: str,
    lines_with_several: set[int],
) -> tuple[str, ...]:
    """The features of a statement that explain why a tool may treat it differently."""
    reasons = []
    if in_namespace_folder(pristine, source, rel):
        reasons.append("namespace-package folder")
    if "noqa" in text:
        reasons.append("# noqa")
    if node.lineno in lines_with_several:
        reasons.append("several statements on the line")
    if re.match(r"from\.", text.lstrip()):
        reasons.append("no space after 'from'")
    if node.end_lineno != node.lineno:
        reasons.append("multi-line")
    if node.col_offset:
        reasons.append("indented")
    return tuple(reasons)


def statement_source(lines: list[str], node: ast.stmt) -> str:
    """The statement's lines, with the rest of its last line (a trailing comment)."""
    assert node.end_lineno is not None
    return "\n".join(lines[node.lineno - 1 : node.end_lineno])


def analyse_file(pristine: Path, source: str, rel: Path, before: str, after: str) -> dict[str, Any]:
    """Compare one file's pristine text with a tool's output."""
    result: dict[str, Any] = {
        "changed": before != after,
        "parses": True,
        "left": 0,
        "statements": [],
        "misaligned": False,
    }
    try:
        new_tree = ast.parse(after)
    except SyntaxError as exc:
        result["parses"] = False
        result["syntax_error"] = f"line {exc.lineno}: {exc.msg}: {(exc.text or '').strip()}"
        result["unjudged"] = sum(
            1 for n in ast.walk(ast.parse(before)) if isinstance(n, ast.ImportFrom) and n.level
        )
        return result
    result["left"] = sum(1 for n in ast.walk(new_tree) if isinstance(n, ast.ImportFrom) and n.level)
    old_tree = ast.parse(before)
    old_nodes, new_nodes = import_nodes(old_tree), import_nodes(new_tree)
    old_lines, new_lines = before.splitlines(), after.splitlines()
    lost = comments(before) - comments(after)
    result["comments_lost"] = sorted(lost.elements())
    if not any(isinstance(n, ast.ImportFrom) and n.level for n in old_nodes):
        return result
    if len(old_nodes) != len(new_nodes):
        result["misaligned"] = True
    line_counts = Counter(n.lineno for n in old_nodes)
    several = {line for line, count in line_counts.items() if count > 1}
    package = package_of(rel)
    for index, old in enumerate(old_nodes):
        if not (isinstance(old, ast.ImportFrom) and old.level):
            continue
        text = statement_source(old_lines, old)
        expected = (
            importlib.util.resolve_name("." * old.level + (old.module or ""), package)
            if package or old.level == 0
            else "?"
        )
        new = new_nodes[index] if not result["misaligned"] else None
        status, got = "wrong", "(statements added or removed)"
        if new is not None:
            got = statement_source(new_lines, new)
            status = _judge(old, new, package)
        layout = (
            new is not None
            and (new.end_lineno or 0) - new.lineno != (old.end_lineno or 0) - old.lineno
        )
        result["statements"].append(
            Statement(
                old.lineno,
                text,
                expected,
                status,
                got,
                layout,
                statement_reasons(pristine, source, rel, old, text, several),
            )
        )
    return result


def _judge(old: ast.ImportFrom, new: ast.Import | ast.ImportFrom, package: str) -> str:
    names = [(a.name, a.asname) for a in old.names]
    if isinstance(new, ast.ImportFrom):
        if new.level:
            return "left"
        expected = importlib.util.resolve_name("." * old.level + (old.module or ""), package)
        return (
            "correct"
            if new.module == expected and [(a.name, a.asname) for a in new.names] == names
            else "wrong"
        )
    # "from .. import config" at the import root becomes "import config".
    base = "." * old.level + (old.module + "." if old.module else "")
    try:
        wanted = [
            (importlib.util.resolve_name(base + name, package), asname) for name, asname in names
        ]
    except ImportError:
        return "wrong"
    return "correct" if [(a.name, a.asname) for a in new.names] == wanted else "wrong"


def analyse_tool(pristine: Path, output: Path, source: str) -> dict[str, Any]:
    files: dict[str, dict[str, Any]] = {}
    for path in source_files(pristine, source):
        rel = path.relative_to(pristine / source)
        before = path.read_text(encoding="utf-8")
        out = output / source / rel
        after = out.read_text(encoding="utf-8") if out.exists() else ""
        files[str(rel)] = analyse_file(pristine, source, rel, before, after)
    statements = [s for f in files.values() for s in f["statements"]]
    status = Counter(s.status for s in statements)
    left_reasons: Counter[str] = Counter()
    for s in statements:
        if s.status == "left":
            left_reasons[", ".join(s.reasons) or "no special feature"] += 1
    converted = [s for s in statements if s.status != "left"]
    return {
        "files_changed": sum(f["changed"] for f in files.values()),
        "relative_left": sum(f["left"] for f in files.values()),
        "parse_failures": sum(not f["parses"] for f in files.values()),
        "correct": status["correct"],
        "left": status["left"],
        "wrong": status["wrong"],
        "in_unparsable_files": sum(f.get("unjudged", 0) for f in files.values()),
        "left_by_feature": dict(left_reasons.most_common()),
        "layout_changed": sum(s.layout_changed for s in converted),
        "comments_lost": sum(len(f.get("comments_lost", ())) for f in files.values()),
        "files": files,
    }


def compare_tools(
    analyses: dict[str, dict[str, Any]], outputs: dict[str, Path], source: str
) -> dict[str, Any]:
    """Where fixup's output differs from each other tool's, file by file, and why."""
    comparison: dict[str, Any] = {}
    fixup_files = analyses["fixup"]["files"]
    for other in TOOLS[1:]:
        kinds: Counter[str] = Counter()
        examples: dict[str, list[dict[str, Any]]] = {}
        for rel, mine in fixup_files.items():
            a = (outputs["fixup"] / source / rel).read_bytes()
            b = (outputs[other] / source / rel).read_bytes()
            if a == b:
                continue
            theirs = analyses[other]["files"][rel]
            for kind, example in _differences(rel, mine, theirs, other):
                kinds[kind] += 1
                examples.setdefault(kind, [])
                if len(examples[kind]) < 3:
                    examples[kind].append(example)
        comparison[f"fixup vs {other}"] = {
            "differences": dict(kinds.most_common()),
            "examples": examples,
        }
    return comparison


def _differences(
    rel: str, mine: dict[str, Any], theirs: dict[str, Any], other: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    if mine["parses"] != theirs["parses"]:
        culprit = "fixup" if not mine["parses"] else other
        error = (mine if culprit == "fixup" else theirs)["syntax_error"]
        yield f"{culprit} output does not parse", {"file": rel, culprit: error}
        return
    found = False
    for a, b in zip(mine["statements"], theirs["statements"], strict=True):
        if a.status == b.status and a.got == b.got:
            continue
        found = True
        if a.status != b.status:
            right = (
                "fixup" if a.status == "correct" else other if b.status == "correct" else "neither"
            )
            kind = f"fixup {a.status}, {other} {b.status} ({', '.join(b.reasons if b.status != 'correct' else a.reasons) or 'no special feature'}): {right} is right"
        elif a.layout_changed != b.layout_changed:
            kind = f"same target, {other if b.layout_changed else 'fixup'} changed the statement's layout"
        else:
            kind = "same target, different text"
        yield kind, {"file": rel, "line": a.line, "before": a.text, "fixup": a.got, other: b.got}
    lost_mine, lost_theirs = mine.get("comments_lost", []), theirs.get("comments_lost", [])
    if lost_mine != lost_theirs:
        found = True
        who = other if len(lost_theirs) > len(lost_mine) else "fixup"
        yield f"{who} dropped comments", {"file": rel, "fixup": lost_mine, other: lost_theirs}
    if not found:
        yield "other text (outside relative imports)", {"file": rel}


# ---------------------------------------------------------------------------- ecosystem

IMPORT_ALL = r"""
import importlib, json, pathlib, sys, warnings
source, package = sys.argv[1], sys.argv[2]
sys.path.insert(0, source)
warnings.simplefilter("ignore")
results = {}
names = []
for path in sorted(pathlib.Path(source, package).rglob("*.py")):
    parts = list(path.relative_to(source).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    if parts[-1] == "__main__" or not all(p.isidentifier() for p in parts):
        continue
    names.append(".".join(parts))
for name in names:
    try:
        importlib.import_module(name)
        results[name] = None
    except BaseException as exc:
        results[name] = f"{type(exc).__name__}: {exc}"[:300]
top = sys.modules.get(package)
where = str(pathlib.Path(top.__file__).resolve()) if top and top.__file__ else ""
print(json.dumps({"results": results, "imported_from": where}))
"""


def import_everything(python: Path, tree: Path, package: Package) -> dict[str, Any]:
    source = tree / package.source
    done = subprocess.run(
        [str(python), "-c", IMPORT_ALL, str(source), package.package],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=600,
        env=clean_env(),
    )
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    data["from_tree"] = data["imported_from"].startswith(str(source.resolve()))
    return data


def broken_imports(baseline: dict[str, Any], converted: dict[str, Any]) -> dict[str, str]:
    """Modules that import from the pristine tree but not from the converted one."""
    if "error" in converted:
        return {"<import of the package>": converted["error"]}
    return {
        name: error
        for name, error in converted["results"].items()
        if error is not None and baseline["results"].get(name) is None
    }


def run_tests(python: Path, tree: Path, package: Package, quick: bool) -> dict[str, Any] | None:
    if not package.tests:
        return None
    source = str(tree / package.source)
    args = (
        package.tests.get("quick_args", package.tests["args"]) if quick else package.tests["args"]
    )
    shown = " ".join(["pytest", *args]).replace("{source}", package.source)
    args = [a.replace("{source}", source) for a in args]
    env = {
        **clean_env(),
        **{k: v.replace("{source}", source) for k, v in package.tests.get("env", {}).items()},
    }
    command = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE", *args]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=tree, capture_output=True, text=True, timeout=900, env=env)
    seconds = time.perf_counter() - start
    summary = next(
        (
            line.strip("= ")
            for line in reversed(done.stdout.splitlines())
            if re.search(r"\d+ (passed|failed|error)", line)
        ),
        # No summary line: pytest stopped early (a conftest or the package failed to import).
        f"no test ran (pytest exit {done.returncode}): "
        + " | ".join((done.stdout + done.stderr).strip().splitlines()[-3:]),
    )
    failed = sorted(
        {
            line.split()[1]
            for line in done.stdout.splitlines()
            if line.startswith(("FAILED ", "ERROR "))
        }
    )
    return {
        "command": shown,
        "exit": done.returncode,
        "summary": summary,
        "failed": failed,
        "seconds": seconds,
    }


# ---------------------------------------------------------------------------- report


QUALITY_COLUMNS = (
    ("files changed", "files_changed"),
    ("rel. left", "relative_left"),
    ("wrong", "wrong"),
    ("layout chg", "layout_changed"),
    ("comments lost", "comments_lost"),
    ("parse fail", "parse_failures"),
    ("broken imports", "broken_imports"),
)


def print_table(results: dict[str, Any], runs: int) -> None:
    header = (
        "tree",
        "tool",
        f"wall s (best of {runs})",
        "fixup/tool",
        "cpu s",
        "fixup/tool",
        *(c for c, _ in QUALITY_COLUMNS),
    )
    rows: list[tuple[str, ...]] = []
    wall: Counter[tuple[str, str]] = Counter()
    cpu: Counter[tuple[str, str]] = Counter()
    totals: dict[str, Counter[str]] = {tool: Counter() for tool in TOOLS}

    def row(tree: str, tool: str, quality: dict[str, int] | None) -> None:
        def ratio(times: Counter[tuple[str, str]]) -> str:
            return "" if quality is None else f"{times[tree, 'fixup'] / times[tree, tool]:.2f}"

        cells = [str(quality[key]) for _, key in QUALITY_COLUMNS] if quality else []
        times = [f"{wall[tree, tool]:.2f}", ratio(wall), f"{cpu[tree, tool]:.2f}", ratio(cpu)]
        rows.append((tree, tool, *times, *(cells or [""] * len(QUALITY_COLUMNS))))

    total = "TOTAL (sdists)"
    for name, entry in results["packages"].items():
        for tool in (*TOOLS, "fixup warm"):
            timing = entry["timing"]["fixup-warm" if tool == "fixup warm" else tool]
            wall[name, tool], cpu[name, tool] = timing["best"], timing["best_cpu"]
            if name != EDGE.name:
                wall[total, tool] += timing["best"]
                cpu[total, tool] += timing["best_cpu"]
        for tool in TOOLS:
            quality = {
                **entry["correctness"][tool],
                "broken_imports": len(entry["ecosystem"]["broken"][tool]),
            }
            row(name, tool, quality)
            if name != EDGE.name:
                totals[tool].update({key: quality[key] for _, key in QUALITY_COLUMNS})
        row(name, "fixup warm", None)
    if any(tree == total for tree, _ in wall):
        for tool in TOOLS:
            row(total, tool, dict(totals[tool]))
        row(total, "fixup warm", None)

    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    rule = "  ".join("-" * w for w in widths)
    print(rule)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    previous = None
    for cells in rows:
        if cells[0] != previous:
            print(rule)
        previous = cells[0]
        print(
            "  ".join(
                c.ljust(w) if i < 2 else c.rjust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
        )
    print(rule)


def print_details(results: dict[str, Any]) -> None:
    for name, entry in results["packages"].items():
        print(
            f"\n## {name}: {entry['relative_imports']} relative imports in {entry['files']} files"
        )
        for tool in TOOLS:
            quality = entry["correctness"][tool]
            timing = entry["timing"][tool]
            extra = "" if timing["deterministic"] else " (output differed between runs!)"
            extra += f"; wall s best {timing['best']:.2f}, median {timing['median']:.2f}"
            if quality["in_unparsable_files"]:
                extra += f", {quality['in_unparsable_files']} in files whose output does not parse"
            print(
                f"  {tool}: {quality['correct']} correct, {quality['left']} left, {quality['wrong']} wrong{extra}"
            )
            for feature, count in quality["left_by_feature"].items():
                print(f"      left: {count:5d}  {feature}")
        warm = entry["timing"]["fixup-warm"]
        print(
            f"  fixup warm dry run {warm['best']:.2f} s wall, {warm['best_cpu']:.2f} s CPU (cache fill {warm['fill']:.2f} s, cold dry run {warm['cold_dry_run']:.2f} s); "
            f"second run on its output changes nothing: {entry['fixup_idempotent']}"
        )
        if entry["timing"]["fixup"]["diagnostics"]:
            print(
                f"  fixup reported {len(entry['timing']['fixup']['diagnostics'])} diagnostics, e.g. {entry['timing']['fixup']['diagnostics'][0]}"
            )
        for pair, data in entry["comparison"].items():
            if not data["differences"]:
                print(f"  {pair}: identical output")
                continue
            print(f"  {pair}: statements/files that differ")
            for kind, count in data["differences"].items():
                print(f"      {count:5d}  {kind}")
                example = data["examples"][kind][0]
                for key, value in example.items():
                    if key == "line":
                        continue
                    shown = value if isinstance(value, str) else json.dumps(value)
                    shown = shown.replace("\n", "\n" + " " * 23)
                    print(
                        f"             {key + ':':10s}{shown}"
                        if key != "file"
                        else f"             at {value}:{example.get('line', '')}"
                    )
        eco = entry["ecosystem"]
        print(
            f"  ecosystem: {eco['modules']} modules imported from the pristine tree ({eco['baseline_failures']} fail there too, e.g. optional dependencies); "
            + "; ".join(f"{tool}: {len(eco['broken'][tool])} broken" for tool in TOOLS)
        )
        for tool in TOOLS:
            for module, error in list(eco["broken"][tool].items())[:3]:
                print(f"      {tool} broke {module}: {error}")
        tests = entry.get("tests")
        if tests:
            print(
                f"  test suite on fixup's output ({tests['fixup']['command']}): {tests['fixup']['summary']} ({tests['fixup']['seconds']:.0f} s)"
            )
            if tests.get("pristine"):
                print(f"      on the pristine tree: {tests['pristine']['summary']}")
            verdict = (
                "PASS (as on the pristine tree)" if tests["ok"] else "FAIL: the conversion broke it"
            )
            print(
                f"      {verdict}; failures only after conversion: {tests['new_failures'] or 'none'}"
            )


# ---------------------------------------------------------------------------- main


def count_relative(tree: Path, source: str) -> tuple[int, int]:
    files = source_files(tree, source)
    count = 0
    for path in files:
        count += sum(
            1
            for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(n, ast.ImportFrom) and n.level
        )
    return len(files), count


def bench_package(
    package: Package,
    pristine: Path,
    runs: int,
    quick: bool,
    python: Path,
    config: Path,
    run_test_suite: bool,
) -> dict[str, Any]:
    files, relative = count_relative(pristine, package.source)
    print(
        f"{package.label}: {files} files, {relative} relative imports under {package.source}/",
        file=sys.stderr,
        flush=True,
    )
    timing = {tool: time_tool(tool, package, pristine, runs, config) for tool in TOOLS}
    timing["fixup-warm"] = time_fixup_warm(package, pristine, runs, config)
    outputs = {tool: RUNS / package.name / tool for tool in TOOLS}
    analyses = {tool: analyse_tool(pristine, outputs[tool], package.source) for tool in TOOLS}
    comparison = compare_tools(analyses, outputs, package.source)

    baseline = import_everything(python, pristine, package)
    if "error" in baseline:
        raise SystemExit(f"the pristine {package.label} does not import:\n{baseline['error']}")
    if not baseline["from_tree"]:
        raise SystemExit(
            f"{package.package} was imported from {baseline['imported_from']}, not the tree"
        )
    imported = {tool: import_everything(python, outputs[tool], package) for tool in TOOLS}
    ecosystem = {
        "modules": len(baseline["results"]),
        "baseline_failures": sum(e is not None for e in baseline["results"].values()),
        "broken": {tool: broken_imports(baseline, imported[tool]) for tool in TOOLS},
        "imported_from_converted_tree": {
            tool: imported[tool].get("from_tree", False) for tool in TOOLS
        },
    }
    entry: dict[str, Any] = {
        "version": package.version,
        "why": package.why,
        "files": files,
        "relative_imports": relative,
        "timing": timing,
        "fixup_idempotent": fixup_second_run(package, outputs["fixup"], config),
        "correctness": {
            tool: {k: v for k, v in analyses[tool].items() if k != "files"} for tool in TOOLS
        },
        "comparison": comparison,
        "ecosystem": ecosystem,
    }
    if package.tests and run_test_suite:
        print(f"{package.label}: running its tests on fixup's output", file=sys.stderr, flush=True)
        converted = run_tests(python, outputs["fixup"], package, quick)
        assert converted is not None
        tests: dict[str, Any] = {
            "fixup": converted,
            "pristine": None,
            "new_failures": [],
            "ok": True,
        }
        if converted["exit"] != 0:
            # Tell failures the conversion caused from those the pristine tree has here too.
            pristine_copy = fresh_copy(pristine, RUNS / package.name / "pristine-tests")
            on_pristine = run_tests(python, pristine_copy, package, quick)
            assert on_pristine is not None
            shutil.rmtree(pristine_copy)
            tests["pristine"] = on_pristine
            tests["new_failures"] = sorted(set(converted["failed"]) - set(on_pristine["failed"]))
            tests["ok"] = converted["exit"] == on_pristine["exit"] and not tests["new_failures"]
        entry["tests"] = tests
    return entry


def machine() -> dict[str, Any]:
    def version(*command: str) -> str:
        return (
            subprocess.run(command, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        )

    cpu = "unknown"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    return {
        "cores": len(os.sched_getaffinity(0)),
        # The machine may be shared: a load above the core count inflates every wall time.
        "load_average_at_start": os.getloadavg(),
        "cpu": cpu,
        "python": platform.python_version(),
        "fixup": version(str(VENV_BIN / "fixup"), "--version"),
        "ruff": version(str(VENV_BIN / "ruff"), "--version"),
        "absolufy-imports": _dist_version("absolufy-imports"),
        "libcst": _dist_version("libcst"),
        # fixup is measured as it is in the working tree, which may be ahead of its commit.
        "fixup_commit": _git("rev-parse", "--short", "HEAD"),
        "fixup_uncommitted_changes": bool(_git("status", "--porcelain", "--", "fixup")),
    }


def _git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(BENCH.parent), *args], capture_output=True, text=True)
    return done.stdout.strip()


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="one timed run per tool and smaller test subsets"
    )
    parser.add_argument("--runs", type=int, help="timed runs per tool (default 3, 1 with --quick)")
    parser.add_argument(
        "--skip-tests", action="store_true", help="do not run the sdists' own test suites"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="only these trees (repeatable): sqlalchemy, flask, ..., edgecases",
    )
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 3)
    for tool in ("fixup", "ruff", "absolufy-imports"):
        if not (VENV_BIN / tool).exists():
            raise SystemExit(
                f"{tool} is not installed next to {sys.executable}: pip install it in fixup's virtualenv"
            )

    packages, requirements = load_packages()
    WORK.mkdir(parents=True, exist_ok=True)
    config = WORK / "fixup.toml"
    config.write_text(FIXUP_CONFIG)
    python = ensure_venv(ECO_VENV, requirements)
    if args.only:
        packages = [p for p in packages if p.name in args.only]
    trees = [(p, fetch(p)) for p in packages]
    if not args.only or EDGE.name in args.only:
        trees.append((EDGE, write_edge_tree()))

    results: dict[str, Any] = {
        "machine": machine(),
        "runs": runs,
        "quick": args.quick,
        "tests_run": not args.skip_tests,
        "packages": {},
    }
    for package, pristine in trees:
        results["packages"][package.name] = bench_package(
            package, pristine, runs, args.quick, python, config, not args.skip_tests
        )
    shutil.rmtree(RUNS, ignore_errors=True)
    results["machine"]["load_average_at_end"] = os.getloadavg()

    (WORK / "results.json").write_text(json.dumps(results, indent=1, default=_jsonable))
    m = results["machine"]
    print(
        f"{m['cores']} cores ({m['cpu']}), Python {m['python']}, {m['fixup']}, {m['ruff']}, absolufy-imports {m['absolufy-imports']}, libcst {m['libcst']}"
    )
    load = ", ".join(
        f"{x:.1f}" for x in (*m["load_average_at_start"][:1], *m["load_average_at_end"][:1])
    )
    busy = max(m["load_average_at_start"][0], m["load_average_at_end"][0]) > m["cores"]
    print(
        f"load average at start, end: {load}" + (" (other work slowed the timings)" if busy else "")
    )
    sys.stdout.flush()
    print_table(results, runs)
    print_details(results)
    print(f"\nfull results: {WORK / 'results.json'}")
    return 0


def _jsonable(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(type(value))


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: how long deleted-classes takes to find and restore deleted names in a long history.

Run from anywhere, in fixup's virtualenv:

    python bench/bench_history.py                  # 5000 commits, N = 10 and 30
    python bench/bench_history.py --commits 20000  # a longer history

The history is built from real code, with no network: the models file is the top-level
statements of two real model modules installed with fixup's test dependencies
(``fastapi/openapi/models.py``, 40 Pydantic models, and ``pydantic_core/core_schema.py``,
85 TypedDict schemas and the functions that build them; about 4,500 lines together). A
deterministic script replays a life for it with ``git fast-import``: definitions are added
one by one, edited, deleted and brought back; two commits in three touch other files only;
the file starts as ``schemas.py`` and is renamed to ``models.py`` at 40% of the history.
Then, for each scenario, the last commit deletes names that ``main.py`` still imports:

- ``recent``: N names deleted by the last commit (seed 000's shape);
- ``spread``: N names deleted at points spread evenly over the whole history (deep searches,
  some from before the rename);
- ``typos``: 5 names that never existed (the walk must read the whole history).

For each it times ``Project.load`` plus the fixer's ``plan`` (best of 3 runs, the parse cache
emptied before each; no fixup cache), then the same with the history cache warm (``warm``:
what a re-run on an unchanged commit costs, no history read from git), checks that the fixed
file compiles, counts the names it binds that the file did not (restored names and their
dependencies) and the names reported, and prints a table. Nothing is timed in the tests.

Measured on the 2-core machine shared with other jobs (5000 commits, about 1500 versions of
the 4,500-line file): recent N=10 0.5 s, N=30 0.3 s; spread N=10 3.1 s, N=30 3.7 s (44 names
with their dependencies); typos 2.9 s (the whole history read); ``git log --follow`` 0.2-0.5 s.
With the history cache warm (same run, N=10): recent 0.19 s, spread 0.72 s, typos 0.05 s
(cold in that run: 1.01 s, 6.80 s, 2.93 s).
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fixup.cache import Cache  # noqa: E402
from fixup.config import Config  # noqa: E402
from fixup.fixers import FixerContext, deleted_classes  # noqa: E402
from fixup.git import file_history, find_repo  # noqa: E402
from fixup.history import History  # noqa: E402
from fixup.project import _PARSE_CACHE, Project  # noqa: E402

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def source_statements() -> tuple[list[str], list[tuple[str, str]]]:
    """(import statements, [(name, definition source)]) of the real model modules."""
    import fastapi.openapi.models
    import pydantic_core.core_schema

    imports: list[str] = []
    definitions: list[tuple[str, str]] = []
    seen: set[str] = set()
    for module_file in (fastapi.openapi.models.__file__, pydantic_core.core_schema.__file__):
        assert module_file is not None
        module = cst.parse_module(Path(module_file).read_text())
        for statement in module.body:
            code = module.code_for_node(statement)
            names = _bound(code)
            if isinstance(statement, cst.SimpleStatementLine) and all(
                isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
            ):
                imports.append(code.strip("\n") + "\n")
            elif len(names) == 1 and not names & seen:
                (name,) = names
                definitions.append((name, code))
                seen.add(name)
            elif names and not names & seen:
                definitions.append((sorted(names)[0], code))
                seen |= names
    # Both modules start with `from __future__ import annotations`: once, first.
    future = [i for i in imports if i.startswith("from __future__")]
    rest = list(dict.fromkeys(i for i in imports if not i.startswith("from __future__")))
    return future[:1] + rest, definitions


def _bound(code: str) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(code).body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {a.asname or a.name.split(".")[0] for a in node.names}
    return names


@dataclass
class Scenario:
    name: str
    #: commit number -> names deleted by that commit (the last commit is ``commits - 1``).
    deletions: dict[int, list[str]]
    #: Names main.py imports that never existed.
    typos: list[str]

    @property
    def asked(self) -> list[str]:
        return [n for names in self.deletions.values() for n in names] + self.typos


def build_history(folder: Path, commits: int, scenario: Scenario, seed: int = 0) -> None:
    """A git repository with ``commits`` commits, written with one ``git fast-import``."""
    imports, definitions = source_statements()
    rng = random.Random(seed)
    deleted_for_good = {n for names in scenario.deletions.values() for n in names}
    present: list[int] = []  # indexes into definitions, in file order
    next_to_add = 0
    edits: dict[int, int] = {}
    initial = len(definitions) // 2  # the names scenarios delete exist from the start
    present.extend(range(initial))
    next_to_add = initial
    path = "schemas.py"
    rename_at = int(commits * 0.4)
    stream: list[bytes] = []

    def data(text: str) -> bytes:
        raw = text.encode()
        return b"data %d\n%s\n" % (len(raw), raw)

    def models_text() -> str:
        parts = ['"""Models of the API (synthetic history from real model modules)."""\n', *imports]
        for index in sorted(present):
            name, code = definitions[index]
            revision = edits.get(index)
            parts.append(code if revision is None else code + f"\n# {name}: revision {revision}\n")
        return "".join(parts)

    for number in range(commits):
        files: dict[str, str] = {}
        deleted_paths: list[str] = []
        message = f"Commit {number}"
        if number == 0:
            files[path] = models_text()
            files["main.py"] = "import models\n"
        elif number == rename_at:
            deleted_paths.append(path)
            path = "models.py"
            files[path] = models_text()
            message = "Rename schemas.py to models.py"
        elif number in scenario.deletions:
            for name in scenario.deletions[number]:
                index = next(i for i, d in enumerate(definitions) if d[0] == name)
                if index in present:
                    present.remove(index)
            files[path] = models_text()
            message = f"Remove {', '.join(scenario.deletions[number])}"
        elif number % 3 == 0:
            roll = rng.random()
            if roll < 0.35 and next_to_add < len(definitions):
                present.append(next_to_add)
                message = f"Add {definitions[next_to_add][0]}"
                next_to_add += 1
            elif roll < 0.45 and len(present) > 10:
                index = rng.choice(present)
                if definitions[index][0] not in deleted_for_good:
                    present.remove(index)
                    message = f"Remove {definitions[index][0]} for now"
            elif roll < 0.55:
                missing = [
                    i
                    for i in range(next_to_add)
                    if i not in present and definitions[i][0] not in deleted_for_good
                ]
                if missing:
                    present.append(rng.choice(missing))
                    message = "Bring a model back"
            else:
                index = rng.choice(present)
                edits[index] = number
                message = f"Edit {definitions[index][0]}"
            files[path] = models_text()
        else:
            files["CHANGELOG.md"] = f"# Changelog\n\n- change {number}\n"
        if number == commits - 1:
            asked = scenario.asked + [definitions[i][0] for i in sorted(present)[:5]]
            files["main.py"] = (
                "from models import (\n" + "".join(f"    {n},\n" for n in asked) + ")\n"
            )
            message = "Add Specification Designer feature"
            for name in scenario.deletions.get(number, []):
                index = next(i for i, d in enumerate(definitions) if d[0] == name)
                if index in present:
                    present.remove(index)
            files[path] = models_text()
        stream.append(b"commit refs/heads/main\n")
        stream.append(
            b"committer Bench <bench@example.com> %d +0000\n" % (1_600_000_000 + number * 3600)
        )
        stream.append(data(message))
        if number == 0:
            stream.append(b"deleteall\n")
        for deleted in deleted_paths:
            stream.append(b"D %s\n" % deleted.encode())
        for file_path, text in files.items():
            stream.append(b"M 100644 inline %s\n" % file_path.encode())
            stream.append(data(text))
        stream.append(b"\n")
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True, env=env)
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=folder, input=b"".join(stream), check=True, env=env
    )
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=folder, check=True, env=env)


def scenarios(commits: int, count: int, names: list[str]) -> list[Scenario]:
    rng = random.Random(count)
    # Names added early enough to exist before their deletion point.
    early = names[: len(names) // 2]
    recent = rng.sample(early, count)
    spread_names = rng.sample(early, count)
    step = (commits - 2) // (count + 1)
    spread = {
        max(2, (i + 1) * step + (1 if ((i + 1) * step) % 3 == 0 else 0)): [n]
        for i, n in enumerate(spread_names)
    }
    return [
        Scenario(f"recent (N={count})", {commits - 1: recent}, []),
        Scenario(f"spread (N={count})", spread, []),
        Scenario(
            "typos (N=5)", {}, ["ResponseModle", "Contakt", "Lisence", "ServerVarable", "XmlObject"]
        ),
    ]


def run_fixer(folder: Path, history_cache: bool = False) -> tuple[float, int, int, int, bool]:
    """(seconds, names restored, diagnostics, history versions, fixed file ok) for one run;
    with ``history_cache``, git history answers are read from and saved to the disk cache."""
    _PARSE_CACHE.clear()
    start = time.perf_counter()
    project = Project.load(folder, Config())
    history = History.of(project, use_cache=history_cache)
    ctx = FixerContext(
        project=project,
        options={},
        cache=Cache(None, "deleted-classes"),
        config=Config(),
        history=history,
    )
    plan = deleted_classes.plan(ctx)
    history.save()
    elapsed = time.perf_counter() - start
    restored = 0
    ok = True
    for fix in plan.fixes:
        after = fix.changes[0].after or ""
        try:
            compile(after, "models.py", "exec")
        except SyntaxError:
            ok = False
        restored += len(_bound_names(after) - _bound_names(fix.changes[0].before or ""))
    repo = find_repo(folder)
    assert repo is not None
    versions = len(file_history(repo, "models.py").versions)
    return elapsed, restored, len(plan.diagnostics), versions, ok


def _bound_names(text: str) -> set[str]:
    return _bound(text) if text else set()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--counts", type=int, nargs="+", default=[10, 30])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    _, definitions = source_statements()
    names = [n for n, _ in definitions]
    print(
        f"models file from real code: {len(definitions)} definitions; history: {args.commits} commits"
    )
    print(
        f"{'scenario':<18} {'versions':>8} {'git log':>8} {'plan (best)':>12} {'warm':>6} "
        f"{'restored':>9} {'reported':>9} ok"
    )
    seen: set[str] = set()
    for count in args.counts:
        for scenario in scenarios(args.commits, count, names):
            if scenario.name in seen:
                continue
            seen.add(scenario.name)
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp) / "repo"
                build_history(folder, args.commits, scenario)
                repo = find_repo(folder)
                assert repo is not None
                start = time.perf_counter()
                file_history(repo, "models.py")
                log_seconds = time.perf_counter() - start
                results = [run_fixer(folder) for _ in range(args.runs)]
                best = min(r[0] for r in results)
                _, restored, reported, versions, ok = results[0]
                # Warm: the same run again once the history cache holds this commit's answers.
                os.environ["FIXUP_CACHE_DIR"] = str(Path(tmp) / "cache")
                run_fixer(folder, history_cache=True)
                warm = min(run_fixer(folder, history_cache=True)[0] for _ in range(args.runs))
                print(
                    f"{scenario.name:<18} {versions:>8} {log_seconds:>7.2f}s {best:>11.2f}s "
                    f"{warm:>5.2f}s {restored:>9} {reported:>9} {'yes' if ok else 'NO'}"
                )


if __name__ == "__main__":
    main()

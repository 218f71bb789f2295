"""design.md's "Who may import whom", as a check on the package's source.

Every module of ``fixup/`` is parsed with ``ast`` (nothing is imported); the rules:

- codemods never import fixers, git or the network;
- fixers never import the CLI, git, sinks or the forge (history comes from ``fixup.history``);
- only git.py runs git, and only the sinks reach the functions of git.py that write objects
  or refs;
- nothing but the sinks (and the modules that keep fixup's own files: the cache, the sandbox's
  scratch copies) writes files;
- a fixer never applies a fix (the pipeline does).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "fixup"

GIT = ("fixup.git", "git")  # fixup's git module and GitPython
NETWORK = ("urllib", "http", "socket", "ssl", "requests", "httpx", "fixup.forge")
#: Modules that may write files: the sinks, and those that keep fixup's own files (the cache,
#: the sandbox's scratch copies, the probe that runs inside them).
WRITERS = {
    "fixup.sinks",
    "fixup.branch",
    "fixup.git",
    "fixup.cache",
    "fixup.sandbox",
    "fixup.probe",
}
#: The functions of git.py that write git objects or refs (or fetch them).
GIT_WRITES = {"build_tree", "commit_tree", "update_branch", "push_branch", "fetch_commit"}
#: The sinks: the only modules that may call them.
SINKS = {"fixup.sinks", "fixup.branch"}


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module

    @property
    def imports(self) -> set[str]:
        """Every module it imports (``from a import b`` counts as ``a`` and ``a.b``)."""
        found: set[str] = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    package = self.name.split(".")[: -node.level]
                    base = ".".join([*package, *([base] if base else [])])
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)
        return found

    def imports_any(self, prefixes: tuple[str, ...]) -> list[str]:
        return sorted(
            name
            for name in self.imports
            if any(name == p or name.startswith(p + ".") for p in prefixes)
        )

    def calls(self) -> Iterator[ast.Call]:
        return (node for node in ast.walk(self.tree) if isinstance(node, ast.Call))


def modules(under: str = "") -> list[Module]:
    found = []
    for path in sorted((PACKAGE / under).rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.append(Module(".".join(parts), path, ast.parse(path.read_text(), str(path))))
    return found


def ids(items: list[Module]) -> list[str]:
    return [m.name for m in items]


def test_the_package_is_found() -> None:
    names = ids(modules())
    assert {"fixup.cli", "fixup.pipeline", "fixup.history", "fixup.sandbox"} <= set(names)
    assert len(ids(modules("fixers"))) >= 6 and len(ids(modules("codemods"))) >= 10


@pytest.mark.parametrize("module", modules("codemods"), ids=ids(modules("codemods")))
def test_codemods_never_import_fixers_git_or_the_network(module: Module) -> None:
    assert module.imports_any(("fixup.fixers", *GIT, *NETWORK, "subprocess")) == []


@pytest.mark.parametrize("module", modules("fixers"), ids=ids(modules("fixers")))
def test_fixers_never_import_the_cli_git_sinks_or_the_forge(module: Module) -> None:
    forbidden = ("fixup.cli", *GIT, "fixup.sinks", "fixup.branch", "fixup.forge", "subprocess")
    assert module.imports_any(forbidden + NETWORK) == []


@pytest.mark.parametrize("module", modules("fixers"), ids=ids(modules("fixers")))
def test_a_fixer_never_applies_a_fix(module: Module) -> None:
    applying = [
        f"{module.path.name}:{call.lineno}"
        for call in module.calls()
        if isinstance(call.func, ast.Attribute) and call.func.attr == "apply"
    ]
    assert applying == [], "fixers yield fixes; the pipeline applies them"


def test_only_git_py_runs_git() -> None:
    offenders = []
    for module in modules():
        if module.name == "fixup.git":
            continue
        if module.imports_any(("git",)):
            offenders.append(f"{module.name} imports GitPython")
        for call in module.calls():
            command = call.args[0] if call.args else None
            if (
                isinstance(command, (ast.List, ast.Tuple))
                and command.elts
                and isinstance(command.elts[0], ast.Constant)
                and command.elts[0].value == "git"
            ):
                offenders.append(f"{module.path.name}:{call.lineno} runs git")
    assert offenders == []


def test_only_sinks_write_git_objects_or_refs() -> None:
    offenders = []
    for module in modules():
        if module.name in SINKS | {"fixup.git"}:
            continue
        for node in ast.walk(module.tree):
            named = (
                {a.name for a in node.names}
                if isinstance(node, ast.ImportFrom) and node.module == "fixup.git"
                else {node.attr}
                if isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "git"
                else set()
            )
            offenders += [f"{module.name} uses git.{name}" for name in sorted(named & GIT_WRITES)]
    assert offenders == []


def _writes(call: ast.Call) -> str | None:
    """What a call writes to disk, or None."""
    func = call.func
    name = (
        func.attr
        if isinstance(func, ast.Attribute)
        else func.id
        if isinstance(func, ast.Name)
        else ""
    )
    owner = (
        func.value.id
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
        else ""
    )
    if name in {"write_text", "write_bytes", "mkstemp", "copyfile", "copy2", "copytree", "move"}:
        return name
    if owner == "os" and name in {"replace", "rename", "remove", "unlink", "fdopen", "open"}:
        return f"os.{name}"
    if name == "open" and not owner:
        mode = call.args[1] if len(call.args) > 1 else None
        mode = next((k.value for k in call.keywords if k.arg == "mode"), mode)
        if isinstance(mode, ast.Constant) and isinstance(mode.value, str):
            return "open" if set(mode.value) & set("wax+") else None
    return None


def test_nothing_but_the_sinks_writes_files() -> None:
    offenders = [
        f"{module.path.relative_to(PACKAGE.parent)}:{call.lineno} {what}"
        for module in modules()
        if module.name not in WRITERS
        for call in module.calls()
        if (what := _writes(call)) is not None
    ]
    assert offenders == []


def test_the_write_check_sees_writes() -> None:
    code = (
        "open(p, 'w')\nopen(p, mode='ab')\nopen(p)\nPath(p).write_text('x')\n"
        "os.replace(a, b)\nshutil.copyfile(a, b)\nprint(p)\n"
    )
    calls = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call)]
    assert sorted(filter(None, map(_writes, calls))) == [
        "copyfile",
        "open",
        "open",
        "os.replace",
        "write_text",
    ]


def test_the_probe_is_a_standard_library_script_for_python_3_7() -> None:
    [probe] = [m for m in modules() if m.name == "fixup.probe"]
    ast.parse(probe.path.read_text(), feature_version=(3, 7))
    # What the probe itself needs (the project's libraries are imported for the project).
    imports = [n for n in probe.tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    top_level = Module(probe.name, probe.path, ast.Module(body=imports, type_ignores=[]))
    outside = sorted(
        name
        for name in top_level.imports
        if name.split(".")[0] not in sys.stdlib_module_names | {"__future__"}
    )
    assert outside == [], "the probe runs in the project's interpreter, on its own"
    assert probe.imports_any(("fixup",)) == []
    imported_by = [m.name for m in modules() if "fixup.probe" in m.imports]
    assert imported_by == [], "the probe is run by path, never imported"

"""The GitHub Action's script, run with bash as the runner would, against a recording ``fixup``."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ACTION = Path(__file__).resolve().parent.parent / "action.yml"

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the action runs in bash")

#: A stand-in for fixup: prints its arguments as JSON, exits with $STUB_EXIT.
STUB = f"""#!{sys.executable}
import json, os, sys
print(json.dumps(sys.argv[1:]))
sys.exit(int(os.environ.get("STUB_EXIT", "0")))
"""


def load_action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ACTION.read_text())
    return data


def fixup_step() -> dict[str, Any]:
    steps = load_action()["runs"]["steps"]
    (step,) = [s for s in steps if s.get("id") == "fixup"]
    return step  # type: ignore[no-any-return]


def run_action(
    tmp_path: Path, inputs: dict[str, str], exit_code: int = 0
) -> tuple[list[str], int, str, dict[str, str]]:
    """The argv the action gives fixup, its exit status, GITHUB_OUTPUT and the step's env.

    Each ``${{ inputs.NAME }}`` of the step's env is the given input, else its default in
    action.yml (``${{ github.token }}`` stands for a token the runner would fill in)."""
    declared = load_action()["inputs"]
    unknown = set(inputs) - set(declared)
    assert not unknown, unknown
    step = fixup_step()
    env = {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    for name, value in step["env"].items():
        match = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", value)
        assert match, f"{name}: {value}"
        given = inputs.get(match.group(1), declared[match.group(1)].get("default", ""))
        env[name] = "ghs_token" if given == "${{ github.token }}" else given
    output = tmp_path / "github_output"
    output.write_text("")
    env.update(
        GITHUB_OUTPUT=str(output),
        GITHUB_API_URL="https://api.github.com",
        STUB_EXIT=str(exit_code),
    )
    (tmp_path / "bin").mkdir(exist_ok=True)
    stub = tmp_path / "bin" / "fixup"
    stub.write_text(STUB)
    stub.chmod(0o755)
    assert step["shell"] == "bash"
    # The runner runs a `shell: bash` step as `bash --noprofile --norc -eo pipefail FILE`.
    script = tmp_path / "step.sh"
    script.write_text(step["run"])
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    argv = json.loads(result.stdout) if result.stdout.strip() else []
    return argv, result.returncode, output.read_text(), env


def test_noop_defaults(tmp_path: Path) -> None:
    argv, code, output, env = run_action(tmp_path, {})
    assert code == 0
    assert argv == [
        "--pr",
        "--branch",
        "fixup/auto",
        "--author",
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>",
        "--api-url",
        "https://api.github.com",
        "--label",
        "fixup",
        ".",
    ]
    assert output == "exit-code=0\n"
    # The token reaches fixup through the environment only.
    assert env["GITHUB_TOKEN"] == "ghs_token"
    assert "ghs_token" not in argv


def test_args_one_argument_per_line_keeps_spaces_and_quotes(tmp_path: Path) -> None:
    argv, code, _, _ = run_action(
        tmp_path,
        {
            "args": "--verify\npytest -x -q\n--select\nrelative-imports\n"
            '--author\nAda "the" O\'Brien <ada@example.com>\n',
            "path": "backend app",
        },
    )
    assert code == 0
    extra = argv[argv.index("--label") + 2 : -1]
    assert extra == [
        "--verify",
        "pytest -x -q",
        "--select",
        "relative-imports",
        "--author",
        'Ada "the" O\'Brien <ada@example.com>',
    ]
    assert argv[-1] == "backend app"


def test_args_every_line_is_read_blank_lines_and_indentation_dropped(tmp_path: Path) -> None:
    # As YAML gives a block scalar (trailing newline), with CRLF and a last line without one.
    argv, _, _, _ = run_action(
        tmp_path,
        {"args": "  --unsafe-fixes\r\n\n   \n--exclude\nlegacy/** \n--ignore\nsplit-models"},
    )
    extra = argv[argv.index("--label") + 2 : -1]
    assert extra == ["--unsafe-fixes", "--exclude", "legacy/**", "--ignore", "split-models"]


def test_labels_are_split_on_commas_and_trimmed(tmp_path: Path) -> None:
    argv, _, _, _ = run_action(tmp_path, {"labels": "fixup, bot's work ,,deps"})
    labels = [argv[i + 1] for i, a in enumerate(argv) if a == "--label"]
    assert labels == ["fixup", "bot's work", "deps"]


def test_no_labels(tmp_path: Path) -> None:
    argv, code, _, _ = run_action(tmp_path, {"labels": ""})
    assert code == 0
    assert "--label" not in argv


def test_exit_status_is_passed_on_and_recorded(tmp_path: Path) -> None:
    _, code, output, _ = run_action(tmp_path, {}, exit_code=2)
    assert code == 2
    assert output == "exit-code=2\n"


def test_committer_comes_from_the_author_input(tmp_path: Path) -> None:
    step = fixup_step()
    script = step["run"].replace(
        "fixup --pr", 'echo "$GIT_COMMITTER_NAME|$GIT_COMMITTER_EMAIL"; true'
    )
    step_file = tmp_path / "committer.sh"
    step_file.write_text(script)
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(step_file)],
        env={
            "PATH": os.environ["PATH"],
            "FIXUP_AUTHOR": "Fix Bot <bot@example.com>",
            "FIXUP_LABELS": "",
            "FIXUP_ARGS": "",
            "FIXUP_BRANCH": "b",
            "FIXUP_PATH": ".",
            "GITHUB_API_URL": "",
            "GITHUB_OUTPUT": str(tmp_path / "out"),
        },
        capture_output=True,
        text=True,
    )
    assert result.stdout.splitlines()[0] == "Fix Bot|bot@example.com", result.stderr


def test_every_input_is_documented_in_the_readme() -> None:
    readme = (ACTION.parent / "README.md").read_text()
    for name in load_action()["inputs"]:
        assert f"`{name}`" in readme, name

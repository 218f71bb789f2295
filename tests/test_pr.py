"""The bot (``fixup --pr``): pushes to a bare repository on disk standing in for GitHub's git
side, and talks to a local fake of GitHub's REST API (tests/github_server.py) that records
every exchange; each exchange is checked against GitHub's OpenAPI description when it has
been fetched (tests/fetch_openapi.sh).

The fake plays a GitHub Enterprise Server on 127.0.0.1: the remote is
``https://127.0.0.1:PORT/octo/app.git`` (git is sent to the bare repository by ``insteadOf``)
and ``--api-url`` is the fake's https root on that same host, the only place fixup sends the
token for such a remote. Its certificate comes from a test CA trusted through SSL_CERT_FILE."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fixup.branch import fingerprint
from fixup.fix import FileChange, Fix
from fixup.forge import (
    ForgeError,
    GitHub,
    RemoteRepo,
    _next_link,
    api_root,
    parse_remote_url,
)
from fixup.git import token_env
from tests.github_server import (
    FakeGitHub,
    OpenAPIChecker,
    Recorder,
    openapi_spec_path,
    write_ca_file,
)
from tests.golden import run_cli
from tests.test_branch import (
    ABSOLUTE_STYLE,
    BROKEN_ROUTER,
    FIXED_ROUTER,
    _isolated_git,
    commit_all,
    make_project,
    sh,
    show,
    snapshot,
    write,
)

__all__ = ["_isolated_git"]  # the autouse fixture applies here too

URL = "https://github.com/octo/app.git"


@pytest.fixture(autouse=True)
def _trust_the_test_ca(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # OpenSSL's own setting: the fake GitHub's https certificate comes from this CA.
    ca = write_ca_file(tmp_path_factory.mktemp("ca") / "ca.pem")
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))


@pytest.fixture(scope="session")
def openapi() -> OpenAPIChecker | None:
    path = openapi_spec_path()
    if path is None:
        return None
    try:
        import openapi_core  # noqa: F401
    except ImportError:
        return None
    return OpenAPIChecker(json.loads(path.read_text()))


@dataclass
class Setup:
    root: Path
    remote: Path
    fake: FakeGitHub
    #: origin's URL: the fake's host, as a GitHub Enterprise Server's would be.
    url: str

    def bot(self, *args: str, config: str | None = ABSOLUTE_STYLE) -> tuple[int, str, str]:
        """The bot run; ``config=None`` reads the project's own pyproject.toml."""
        return self.run("--api-url", self.fake.url, *args, config=config)

    def run(self, *args: str, config: str | None = ABSOLUTE_STYLE) -> tuple[int, str, str]:
        """``fixup --pr`` without an API root of the test's choosing."""
        options = ("--config", config) if config else ()
        return run_cli(
            "--select", "relative-imports", *options, "--no-cache", "--pr", *args, str(self.root)
        )

    def set_remote(self, url: str) -> None:
        """origin at ``url``; git's fetches still go to the bare repository."""
        sh(self.root, "remote", "set-url", "origin", url)
        sh(self.root, "config", "--add", f"url.{self.remote}.insteadOf", url)

    def remote_sha(self, branch: str = "fixup/auto") -> str | None:
        proc = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
            cwd=self.remote,
            capture_output=True,
            text=True,
        )
        return proc.stdout.strip() or None

    def push_main(self) -> None:
        sh(self.root, "push", "-q", "origin", "main")


@pytest.fixture
def hub(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, openapi: OpenAPIChecker | None
) -> Iterator[Setup]:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    root = make_project(tmp_path / "repo")
    with FakeGitHub(bare_repo=remote) as fake:
        # owner/repo come from the URL, on the fake's host; git is sent to the bare repository.
        url = f"https://127.0.0.1:{fake.port}/octo/app.git"
        sh(root, "remote", "add", "origin", url)
        sh(root, "config", f"url.{remote}.insteadOf", url)
        sh(root, "push", "-q", "origin", "main")
        monkeypatch.setenv("GITHUB_TOKEN", fake.token)
        monkeypatch.delenv("GH_TOKEN", raising=False)
        monkeypatch.delenv("GITHUB_API_URL", raising=False)
        yield Setup(root, remote, fake, url)
        if openapi is not None:
            problems = openapi.check(fake.exchanges, fake.url)
            assert not problems, "\n".join(problems)


def add_problem(setup: Setup, name: str = "users") -> str:
    write(setup.root, {f"app/routers/{name}.py": "from ..services import db\n"})
    sha = commit_all(setup.root, f"Add {name} router")
    setup.push_main()
    return sha


# -------------------------------------------------------------------- opening


def test_opens_a_pull_request(hub: Setup) -> None:
    before = snapshot(hub.root)
    config_before = (hub.root / ".git" / "config").read_bytes()

    code, stdout, stderr = hub.bot()

    assert code == 0, stderr
    assert snapshot(hub.root) == before
    assert (hub.root / ".git" / "config").read_bytes() == config_before
    pushed = hub.remote_sha()
    assert pushed == sh(hub.root, "rev-parse", "fixup/auto").strip()
    assert (
        subprocess.run(
            ["git", "show", f"{pushed}:app/routers/projects.py"],
            cwd=hub.remote,
            capture_output=True,
            text=True,
        ).stdout
        == FIXED_ROUTER
    )
    [pull] = hub.fake.pulls
    assert (pull.head, pull.base, pull.state) == ("fixup/auto", "main", "open")
    assert (
        pull.title
        == "fix(relative-imports): make 1 relative import absolute in app/routers/projects.py"
    )
    assert pull.body is not None
    assert "| `relative-imports` | `app/routers/projects.py` |" in pull.body
    assert "<details><summary>Diff: app/routers/projects.py</summary>" in pull.body
    assert "+from app.services.db import get_session  # shared" in pull.body
    assert "fixup --dry-run" in pull.body and "Provenance:" in pull.body
    assert pull.labels == ["fixup"]
    assert any(label["name"] == "fixup" for label in hub.fake.labels)
    assert f"Opened pull request #{pull.number}" in stderr
    # The token never shows: not in output, not in git's configuration, not in a URL.
    assert hub.fake.token not in stdout + stderr
    assert hub.fake.token not in (hub.root / ".git" / "config").read_text()
    for exchange in hub.fake.exchanges:
        assert exchange.request_headers["Authorization"] == f"Bearer {hub.fake.token}"
        assert hub.fake.token not in exchange.path + exchange.query


def test_labels_from_flags_are_created_when_missing(hub: Setup) -> None:
    code, _, stderr = hub.bot("--label", "bot", "--label", "bug")
    assert code == 0, stderr
    assert hub.fake.pulls[0].labels == ["bot", "bug"]
    created = [e.json["name"] for e in hub.fake.requests("POST", r"/repos/octo/app/labels")]
    assert created == ["bot"]  # "bug" existed already


def test_branch_name_and_labels_from_config(hub: Setup) -> None:
    config = '[tool.fixup]\nbranch = "bots/fixup"\nlabels = ["cleanup"]\n'
    style = (Path(ABSOLUTE_STYLE)).read_text()
    write(hub.root, {"pyproject.toml": config + style})
    commit_all(hub.root, "Configure fixup")
    hub.push_main()
    code, _, stderr = hub.bot(config=None)
    assert code == 0, stderr
    assert hub.remote_sha("bots/fixup") is not None
    assert hub.fake.pulls[0].head == "bots/fixup"
    assert hub.fake.pulls[0].labels == ["cleanup"]


# -------------------------------------------------------------------- idempotency


def test_rerun_with_new_fixes_updates_the_same_branch_and_pull_request(hub: Setup) -> None:
    assert hub.bot()[0] == 0
    first = hub.remote_sha()
    new_base = add_problem(hub)

    code, _, stderr = hub.bot()

    assert code == 0, stderr
    assert len(hub.fake.pulls) == 1
    assert len(hub.fake.requests("POST", r"/repos/octo/app/pulls")) == 1
    assert len(hub.fake.requests("PATCH", r"/repos/octo/app/pulls/1")) == 1
    assert "app/routers/users.py" in (hub.fake.pulls[0].body or "")
    assert hub.remote_sha() not in (None, first)
    assert sh(hub.root, "rev-parse", f"{hub.remote_sha()}^").strip() == new_base
    assert "Updated pull request #1" in stderr


def test_rerun_without_changes_pushes_nothing_and_edits_nothing(hub: Setup) -> None:
    assert hub.bot()[0] == 0
    first = hub.remote_sha()
    requests_before = len(hub.fake.exchanges)

    code, _, stderr = hub.bot()

    assert code == 0, stderr
    assert hub.remote_sha() == first
    later = hub.fake.exchanges[requests_before:]
    assert [e.method for e in later if e.method != "GET"] == []
    assert "up to date" in stderr


def test_a_new_base_that_leaves_the_fixed_files_alone_pushes_nothing(hub: Setup) -> None:
    assert hub.bot()[0] == 0
    first = hub.remote_sha()
    body = hub.fake.pulls[0].body
    write(hub.root, {"app/services/db.py": "def get_session():\n    return 2\n"})
    commit_all(hub.root, "Unrelated change on main")
    hub.push_main()
    requests_before = len(hub.fake.exchanges)

    code, _, stderr = hub.bot()

    assert code == 0, stderr
    assert hub.remote_sha() == first  # no force-push
    assert sh(hub.root, "rev-parse", "fixup/auto").strip() == first
    assert [e.method for e in hub.fake.exchanges[requests_before:] if e.method != "GET"] == []
    assert hub.fake.pulls[0].body == body  # not rewritten
    assert "the files they change are the same" in stderr and "nothing pushed" in stderr
    assert "#1 is up to date" in stderr


def test_a_new_base_that_changes_a_fixed_file_rebuilds_the_branch(hub: Setup) -> None:
    assert hub.bot()[0] == 0
    first = hub.remote_sha()
    write(hub.root, {"app/routers/projects.py": BROKEN_ROUTER + "\n\nVERSION = 2\n"})
    new_base = commit_all(hub.root, "Edit the router on main")
    hub.push_main()

    code, _, stderr = hub.bot()

    assert code == 0, stderr
    tip = hub.remote_sha()
    assert tip not in (None, first)
    assert sh(hub.root, "rev-parse", f"{tip}^").strip() == new_base
    assert "VERSION = 2" in show(hub.root, tip, "app/routers/projects.py")
    assert len(hub.fake.requests("PATCH", r"/repos/octo/app/pulls/1")) == 1
    assert new_base[:12] in (hub.fake.pulls[0].body or "")


def test_nothing_to_fix_leaves_the_open_pull_request_alone(hub: Setup) -> None:
    assert hub.bot()[0] == 0
    first = hub.remote_sha()
    write(hub.root, {"app/routers/projects.py": FIXED_ROUTER})
    commit_all(hub.root, "Fix the import by hand")
    hub.push_main()
    requests_before = len(hub.fake.exchanges)

    code, _, stderr = hub.bot()

    assert code == 0, stderr
    assert "Nothing to fix" in stderr and "#1 is left as it is" in stderr
    assert hub.remote_sha() == first
    assert hub.fake.pulls[0].state == "open"
    assert all(e.method == "GET" for e in hub.fake.exchanges[requests_before:])


def test_a_pull_request_closed_unmerged_declines_those_fixes_only(hub: Setup) -> None:
    assert hub.bot()[0] == 0
    [first] = hub.fake.pulls
    assert first.body is not None and first.body.startswith("<!-- fixup-fingerprint: ")
    first.state = "closed"
    pushed = hub.remote_sha()
    requests_before = len(hub.fake.exchanges)

    code, _, stderr = hub.bot()

    assert code == 0, stderr
    assert "#1 proposed these same fixes" in stderr and "closed without merging" in stderr
    assert "--force" in stderr
    assert hub.remote_sha() == pushed
    assert all(e.method == "GET" for e in hub.fake.exchanges[requests_before:])

    # The same fixes on a newer base are still the declined set.
    write(hub.root, {"README.md": "docs\n"})
    commit_all(hub.root, "Unrelated change")
    hub.push_main()
    code, _, stderr = hub.bot()
    assert code == 0, stderr
    assert "#1 proposed these same fixes" in stderr
    assert len(hub.fake.pulls) == 1

    # A new problem makes a different set: a new pull request, on the same branch, with both.
    add_problem(hub)
    code, _, stderr = hub.bot()
    assert code == 0, stderr
    assert [(p.number, p.state) for p in hub.fake.pulls] == [(1, "closed"), (2, "open")]
    second = hub.fake.pulls[1]
    assert second.head == "fixup/auto" and second.body is not None
    assert "app/routers/users.py" in second.body and "app/routers/projects.py" in second.body
    assert hub.remote_sha() != pushed
    assert "Opened pull request #2" in stderr


def test_a_pull_request_closed_before_fingerprints_does_not_block(hub: Setup) -> None:
    hub.fake.add_pull("fixup/auto", state="closed")  # its body has no fingerprint
    code, _, stderr = hub.bot()
    assert code == 0, stderr
    assert [p.state for p in hub.fake.pulls] == ["closed", "open"]


def test_force_proposes_declined_fixes_again(hub: Setup) -> None:
    assert hub.bot()[0] == 0
    hub.fake.pulls[0].state = "closed"
    pushed = hub.remote_sha()
    code, _, stderr = hub.bot("--force")
    assert code == 0, stderr
    assert [p.state for p in hub.fake.pulls] == ["closed", "open"]
    assert hub.remote_sha() == pushed  # the branch already held these fixes


def test_fingerprint_ignores_line_numbers_and_context() -> None:
    def fix(before: str, after: str, title: str = "t") -> Fix:
        return Fix("relative-imports", title, "why", (FileChange("app/x.py", before, after),))

    base = fix("import a\nfrom . import b\n", "import a\nfrom app import b\n")
    shifted = fix("# new\nimport c\nfrom . import b\n", "# new\nimport c\nfrom app import b\n")
    other = fix("from . import b\n", "from app.pkg import b\n")
    assert fingerprint([base]) == fingerprint([shifted])
    assert fingerprint([base]) != fingerprint([other])
    assert fingerprint([base]) != fingerprint([base, other])
    assert fingerprint([base]) != fingerprint(
        [fix("from . import b\n", "from app import b\n", "u")]
    )


def test_a_merged_pull_request_does_not_block_the_next_one(hub: Setup) -> None:
    hub.fake.add_pull("fixup/auto", state="closed", merged=True)
    code, _, stderr = hub.bot()
    assert code == 0, stderr
    assert [p.state for p in hub.fake.pulls] == ["closed", "open"]


def test_a_branch_a_person_pushed_to_is_left_alone(hub: Setup, tmp_path: Path) -> None:
    assert hub.bot()[0] == 0
    clone = tmp_path / "reviewer"
    subprocess.run(
        ["git", "clone", "-q", "-b", "fixup/auto", str(hub.remote), str(clone)], check=True
    )
    sh(clone, "config", "user.name", "Reviewer")
    sh(clone, "config", "user.email", "reviewer@example.com")
    write(clone, {"app/routers/projects.py": FIXED_ROUTER + "# reviewed\n"})
    commit_all(clone, "Review follow-up")
    sh(clone, "push", "-q", "origin", "fixup/auto")
    theirs = hub.remote_sha()
    add_problem(hub)
    requests_before = len(hub.fake.exchanges)

    code, _, stderr = hub.bot()

    assert code == 0, stderr
    assert "Review follow-up" in stderr and "leaves it" in stderr and "--take-back" in stderr
    assert hub.remote_sha() == theirs
    assert all(e.method == "GET" for e in hub.fake.exchanges[requests_before:])


def test_take_back_names_the_dropped_commits_and_rebuilds_the_branch(
    hub: Setup, tmp_path: Path
) -> None:
    assert hub.bot()[0] == 0
    clone = tmp_path / "reviewer"
    subprocess.run(
        ["git", "clone", "-q", "-b", "fixup/auto", str(hub.remote), str(clone)], check=True
    )
    sh(clone, "config", "user.name", "Reviewer")
    sh(clone, "config", "user.email", "reviewer@example.com")
    write(clone, {"notes.txt": "a person's work\n"})
    theirs = commit_all(clone, "Review follow-up")
    sh(clone, "push", "-q", "origin", "fixup/auto")
    new_base = add_problem(hub)

    code, _, stderr = hub.bot("--take-back")

    assert code == 0, stderr
    assert "drops 1 commit it did not make" in stderr
    assert f"{theirs[:12]} 'Review follow-up' by Reviewer <reviewer@example.com>" in stderr
    assert stderr.index("Review follow-up") < stderr.index("Pushed fixup/auto")
    tip = hub.remote_sha()
    assert tip not in (None, theirs)
    log = sh(hub.root, "log", "--format=%an %s", f"{new_base}..{tip}").splitlines()
    assert len(log) == 1 and log[0].startswith("Dev Person fix(relative-imports)")
    assert sh(hub.root, "rev-parse", f"{tip}^").strip() == new_base
    assert len(hub.fake.pulls) == 1 and "Updated pull request #1" in stderr

    # Handed back: the next run is an ordinary one.
    code, _, stderr = hub.bot()
    assert code == 0, stderr
    assert hub.remote_sha() == tip and "nothing pushed" in stderr


def test_take_back_drops_a_local_commit_too(hub: Setup) -> None:
    assert hub.bot()[0] == 0
    pushed = hub.remote_sha()
    assert pushed is not None
    # Someone committed on the local fixup/auto without pushing.
    tree = sh(hub.root, "rev-parse", f"{pushed}^{{tree}}").strip()
    env = {**os.environ, "GIT_AUTHOR_NAME": "Local Person", "GIT_AUTHOR_EMAIL": "lp@example.com"}
    mine = subprocess.run(
        ["git", "commit-tree", tree, "-p", pushed, "-m", "Local tweak"],
        cwd=hub.root,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    sh(hub.root, "update-ref", "refs/heads/fixup/auto", mine)
    add_problem(hub)

    code, _, stderr = hub.bot()
    assert code == 2 and "Local tweak" in stderr and "--take-back" in stderr
    assert sh(hub.root, "rev-parse", "fixup/auto").strip() == mine

    code, _, stderr = hub.bot("--take-back")
    assert code == 0, stderr
    assert f"{mine[:12]} 'Local tweak' by Local Person <lp@example.com>" in stderr
    assert hub.remote_sha() not in (pushed, mine)
    assert sh(hub.root, "rev-parse", "fixup/auto").strip() == hub.remote_sha()


def test_take_back_needs_pr(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo")
    code, _, stderr = run_cli("--branch", "x", "--take-back", str(root))
    assert code == 2 and "--take-back needs --pr" in stderr


# -------------------------------------------------------------------- errors


def test_bad_token_is_reported_with_status_and_message(
    hub: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_wrong_token_value")
    code, stdout, stderr = hub.bot()
    assert code == 2
    assert "401" in stderr and "Bad credentials" in stderr
    assert "ghp_wrong_token_value" not in stdout + stderr
    assert hub.remote_sha() is None


def test_missing_token_is_a_usage_error(hub: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    code, _, stderr = hub.bot()
    assert code == 2 and "GITHUB_TOKEN or GH_TOKEN" in stderr
    assert hub.fake.exchanges == []


def test_gh_token_is_accepted(hub: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    monkeypatch.setenv("GH_TOKEN", hub.fake.token)
    assert hub.bot()[0] == 0


def test_wrong_repository_is_a_404(hub: Setup) -> None:
    other = hub.url.replace("/app.git", "/typo.git")
    sh(hub.root, "remote", "set-url", "origin", other)
    sh(hub.root, "config", f"url.{hub.remote}.insteadOf", other)
    code, _, stderr = hub.bot()
    assert code == 2
    assert "404" in stderr and "Not Found" in stderr and "octo/typo" in stderr


def test_rate_limit_names_the_reset_time(hub: Setup) -> None:
    reset = int(time.time()) + 600
    hub.fake.rate_limit_reset = reset
    code, _, stderr = hub.bot()
    assert code == 2
    assert "403" in stderr and "rate limit" in stderr
    assert time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(reset)) in stderr


def test_a_failed_pull_request_reports_the_pushed_branch(hub: Setup) -> None:
    hub.fake.fail_once(
        "POST",
        r"/repos/octo/app/pulls",
        422,
        {
            "message": "Validation Failed",
            "errors": [
                {
                    "resource": "PullRequest",
                    "code": "custom",
                    "message": "No commits between main and fixup/auto",
                }
            ],
            "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
            "status": "422",
        },
    )
    code, _, stderr = hub.bot()
    assert code == 2
    assert "422" in stderr and "No commits between main and fixup/auto" in stderr
    pushed = hub.remote_sha()
    assert pushed is not None
    assert f"fixup/auto was pushed to origin ({pushed[:12]})" in stderr
    assert "https://127.0.0.1/octo/app/compare/main...fixup/auto" in stderr


def test_a_pull_request_opened_concurrently_is_edited_not_duplicated(hub: Setup) -> None:
    # Another run opened the PR between our look-up (which saw none) and our create.
    hub.fake.add_pull("fixup/auto", state="open")
    hub.fake.fail_once("GET", r"/repos/octo/app/pulls", 200, [])
    code, _, stderr = hub.bot()
    assert code == 0, stderr
    assert [e.status for e in hub.fake.requests("POST", r"/repos/octo/app/pulls")] == [422]
    assert len(hub.fake.pulls) == 1
    assert hub.fake.pulls[0].title.startswith("fix(relative-imports)")
    assert "Updated pull request #1" in stderr


# -------------------------------------------------------------------- where the token goes


def secrets(token: str) -> list[str]:
    """The token as the API gets it and as git would send it (inside a Basic credential)."""
    return [token, base64.b64encode(f"x-access-token:{token}".encode()).decode()]


@pytest.mark.parametrize(
    "case",
    [
        "self-hosted forge",
        "gitlab.com",
        "http API root",
        "--api-url on another host",
        "GITHUB_API_URL on another host",
        "api-url in the repository's pyproject.toml",
    ],
)
def test_the_token_never_reaches_another_forge(
    hub: Setup, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Recorder(tls=True) as forge, Recorder(tls=False) as plain:
        args: list[str] = []
        config: str | None = ABSOLUTE_STYLE
        if case == "self-hosted forge":  # no API root given: nothing says it is GitHub
            hub.set_remote(f"{forge.url}/octo/app.git")
            expected = "the remote is on 127.0.0.1, not on github.com"
        elif case == "gitlab.com":
            hub.set_remote("https://gitlab.com/octo/app.git")
            expected = "the remote is on gitlab.com, not on github.com"
        elif case == "http API root":
            hub.set_remote(f"{plain.url}/octo/app.git")
            args = ["--api-url", plain.url]
            expected = "must be https://"
        elif case == "--api-url on another host":
            hub.set_remote(URL)
            args = ["--api-url", forge.url]
            expected = "--api-url 'https://127.0.0.1:"
        elif case == "GITHUB_API_URL on another host":
            hub.set_remote(URL)
            monkeypatch.setenv("GITHUB_API_URL", forge.url)
            expected = "GITHUB_API_URL 'https://127.0.0.1:"
        else:
            hub.set_remote(f"{forge.url}/octo/app.git")
            write(hub.root, {"pyproject.toml": f'[tool.fixup]\napi-url = "{forge.url}"\n'})
            commit_all(hub.root, "Point the bot elsewhere")
            expected = "[tool.fixup] api-url is not read"
            config = None  # the project's own pyproject.toml is the attack

        code, stdout, stderr = hub.run(*args, config=config)

        assert forge.carries(secrets(hub.fake.token)) == []
        assert plain.carries(secrets(hub.fake.token)) == []
        # Refused before any connection: not one reached the forge, plain or TLS, nor the API.
        assert forge.connections == [] and plain.connections == []
        assert hub.fake.connections == []
        assert code == 2, stderr
        assert expected in stderr
        assert hub.fake.token not in stdout + stderr
        assert hub.remote_sha() is None


@pytest.mark.parametrize(
    ("how", "tls", "host"),
    [("pushurl", False, "127.0.0.1"), ("pushInsteadOf", True, "localhost")],
)
def test_git_sends_the_token_only_to_the_remotes_own_url(
    hub: Setup,
    how: str,
    tls: bool,
    host: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # git's configuration sends the push to another server; with the test CA trusted, git
    # would send that server any header it had for it.
    monkeypatch.setenv("GIT_SSL_CAINFO", os.environ["SSL_CERT_FILE"])
    with Recorder(tls=tls) as forge:
        elsewhere = f"{'https' if tls else 'http'}://{host}:{forge.port}/octo/app.git"
        if how == "pushurl":
            sh(hub.root, "config", "remote.origin.pushurl", elsewhere)
        else:
            sh(hub.root, "config", f"url.{elsewhere}.pushInsteadOf", hub.url)

        code, stdout, stderr = hub.bot()

        assert code == 2 and "git push failed" in stderr
        assert forge.requests, "git did not reach the other server: the test proves nothing"
        assert forge.carries(secrets(hub.fake.token)) == []
        assert [
            n for r in forge.requests for n, _ in r.headers if n.lower() == "authorization"
        ] == []
        assert hub.fake.token not in stdout + stderr
    # The API, on the remote's own host, got it on every request, as it must.
    assert hub.fake.exchanges
    assert {e.request_headers["Authorization"] for e in hub.fake.exchanges} == {
        f"Bearer {hub.fake.token}"
    }


def test_the_recorder_sees_a_token_sent_to_it(tmp_path: Path) -> None:
    # The control for the tests above: a token git does send to the recorder is found.
    root = make_project(tmp_path / "repo")
    with Recorder(tls=True) as forge:
        url = f"{forge.url}/octo/app.git"
        env = {
            **os.environ,
            "GIT_SSL_CAINFO": os.environ["SSL_CERT_FILE"],
            **token_env(url, "tok123"),
        }
        subprocess.run(["git", "ls-remote", url], cwd=root, env=env, capture_output=True)
    assert forge.carries(secrets("tok123")) != []


# -------------------------------------------------------------------- the client


def test_pagination_follows_link_headers(tmp_path: Path) -> None:
    with FakeGitHub(page_size=2) as fake:
        for _ in range(3):
            fake.add_pull("fixup/auto", state="closed", merged=True)
        fake.add_pull("fixup/auto", state="closed")
        fake.add_pull("other", state="open")
        for name in ("a", "b", "c", "fixup"):
            fake.labels.append(fake._label(name, "ededed", None))
        client = GitHub(fake.url, fake.token, RemoteRepo("github.com", "octo", "app"))

        pulls = client.pulls_for_branch("fixup/auto")
        created = client.ensure_labels(["fixup", "new"], "d")

        assert [p.number for p in pulls] == [4, 3, 2, 1]
        assert [p.merged for p in pulls] == [False, True, True, True]
        assert created == ["new"]
        pages = [
            dict(x.split("=") for x in e.query.split("&")).get("page") for e in fake.requests("GET")
        ]
        assert pages == [None, "2", None, "2", "3"]


def test_next_link_parsing() -> None:
    header = '<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=3>; rel="next", <https://api.github.com/x?page=9>; rel="last"'
    assert _next_link(header) == "https://api.github.com/x?page=3"
    assert _next_link('<https://api.github.com/x?page=1>; rel="first"') is None
    assert _next_link("") is None


def test_pagination_never_leaves_the_api_host(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeGitHub(page_size=1) as fake:
        fake.add_pull("fixup/auto")
        fake.add_pull("fixup/auto")
        fake.fail_once(
            "GET",
            r"/repos/octo/app/pulls",
            200,
            [],
            {"Link": '<https://evil.example/steal?page=2>; rel="next"'},
        )
        client = GitHub(fake.url, fake.token, RemoteRepo("github.com", "octo", "app"))
        with pytest.raises(ForgeError, match="leaves"):
            client.pulls_for_branch("fixup/auto")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/octo/app.git", ("github.com", "octo", "app")),
        ("https://github.com/octo/app", ("github.com", "octo", "app")),
        ("https://x-access-token:secret@github.com/octo/app.git", ("github.com", "octo", "app")),
        ("git@github.com:octo/app.git", ("github.com", "octo", "app")),
        ("ssh://git@github.example.com:2222/team/api.git", ("github.example.com", "team", "api")),
        ("github.com:octo/app", ("github.com", "octo", "app")),
    ],
)
def test_remote_urls(url: str, expected: tuple[str, str, str]) -> None:
    remote = parse_remote_url(url)
    assert (remote.host, remote.owner, remote.name) == expected


def test_remote_url_errors_never_repeat_credentials() -> None:
    with pytest.raises(ForgeError) as info:
        parse_remote_url("https://user:s3cret@github.com/only-one-part")
    assert "s3cret" not in str(info.value)
    with pytest.raises(ForgeError):
        parse_remote_url("/srv/git/app.git")


def test_api_root_for_github_and_enterprise_cloud() -> None:
    def remote(host: str) -> RemoteRepo:
        return RemoteRepo(host, "octo", "app")

    assert api_root(remote("github.com")) == "https://api.github.com"
    assert api_root(remote("octo.ghe.com")) == "https://api.octo.ghe.com"
    # What GitHub Actions sets as GITHUB_API_URL on each kind of host.
    assert api_root(remote("github.com"), "https://api.github.com/") == "https://api.github.com"
    assert (
        api_root(remote("octo.ghe.com"), "https://api.octo.ghe.com") == "https://api.octo.ghe.com"
    )
    assert (
        api_root(remote("git.example.com"), "https://git.example.com/api/v3")
        == "https://git.example.com/api/v3"
    )


@pytest.mark.parametrize(
    ("host", "given", "message"),
    [
        ("gitlab.com", None, "not on github.com"),
        ("git.example.com", None, "GitHub Enterprise Server: https://HOST/api/v3"),
        ("a.b.ghe.com", None, "not on github.com"),
        ("github.com", "http://api.github.com", "must be https://"),
        ("git.example.com", "http://git.example.com/api/v3", "must be https://"),
        ("github.com", "https://git.example.com/api/v3", "the remote is on github.com"),
        ("github.com", "https://api.github.com.evil.example", "the remote is on github.com"),
        ("git.example.com", "https://api.github.com", "https://git.example.com/api/v3"),
        ("github.com", "https://user:pw@api.github.com", "is not an API root"),
    ],
)
def test_api_root_refuses_to_send_the_token_elsewhere(
    host: str, given: str | None, message: str
) -> None:
    with pytest.raises(ForgeError, match=re.escape(message)) as info:
        api_root(RemoteRepo(host, "octo", "app"), given)
    assert "pw" not in str(info.value)


def test_the_client_refuses_plain_http() -> None:
    with pytest.raises(ForgeError, match="not https"):
        GitHub("http://127.0.0.1:1", "tok", RemoteRepo("127.0.0.1", "octo", "app"))


def test_token_reaches_git_only_through_the_environment(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo")
    config_before = (root / ".git" / "config").read_bytes()
    env = token_env("https://github.com/octo/app.git", "tok123")
    assert "tok123" not in json.dumps(env)  # base64-encoded inside an Authorization header
    proc = subprocess.run(
        ["git", "config", "--get-all", "http.https://github.com/.extraheader"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, **env},
        check=True,
    )
    values = proc.stdout.splitlines()
    assert values[0] == "" and values[1].startswith("AUTHORIZATION: basic ")
    assert (root / ".git" / "config").read_bytes() == config_before
    assert token_env("git@github.com:octo/app.git", "tok123") == {}


# -------------------------------------------------------------------- GitHub's OpenAPI description


def test_fake_and_client_match_githubs_openapi_description(openapi: OpenAPIChecker | None) -> None:
    if openapi is None:
        pytest.skip(
            "GitHub's OpenAPI description or openapi-core is missing: run tests/fetch_openapi.sh and pip install openapi-core"
        )
    with FakeGitHub(page_size=1) as fake:
        fake.add_pull("fixup/auto", state="closed", merged=True)
        client = GitHub(fake.url, fake.token, RemoteRepo("github.com", "octo", "app"))
        client.get_repository()
        client.pulls_for_branch("fixup/auto")
        pull = client.create_pull(title="t", body="b", head="fixup/auto", base="main")
        with pytest.raises(ForgeError):
            client.create_pull(title="t", body="b", head="fixup/auto", base="main")
        client.update_pull(pull.number, title="t2", body="b2")
        client.ensure_labels(["fixup", "bug"], "Fixes proposed by fixup")
        client.ensure_labels(["fixup"], "again")
        client.add_labels(pull.number, ["fixup"])
        with pytest.raises(ForgeError):
            GitHub(fake.url, fake.token, RemoteRepo("github.com", "octo", "nope")).get_repository()
        with pytest.raises(ForgeError):
            GitHub(fake.url, "wrong", RemoteRepo("github.com", "octo", "app")).get_repository()
        assert {e.status for e in fake.exchanges} >= {200, 201, 401, 404, 422}
        assert openapi.check(fake.exchanges, fake.url) == []


def test_the_openapi_check_catches_a_drift(openapi: OpenAPIChecker | None) -> None:
    if openapi is None:
        pytest.skip(
            "GitHub's OpenAPI description or openapi-core is missing: run tests/fetch_openapi.sh and pip install openapi-core"
        )
    with FakeGitHub() as fake:
        client = GitHub(fake.url, fake.token, RemoteRepo("github.com", "octo", "app"))
        client.create_pull(title="t", body="b", head="fixup/auto", base="main")
        client.pulls_for_branch("fixup/auto")
    created, listed = fake.exchanges
    data: dict[str, Any] = json.loads(created.response_body)
    del data["number"]
    created.response_body = json.dumps(data).encode()
    listed.query = "state=everything"
    problems = openapi.check([created, listed], fake.url)
    assert len(problems) == 2
    assert "number" in problems[0] and "state" in problems[1]


# -------------------------------------------------------------------- the GitHub Action


def test_the_actions_script_runs_the_bot(hub: Setup, tmp_path: Path) -> None:
    import os
    import sys

    yaml = pytest.importorskip("yaml")
    action = yaml.safe_load((Path(__file__).resolve().parent.parent / "action.yml").read_text())
    [step] = [s for s in action["runs"]["steps"] if s.get("id") == "fixup"]
    output = tmp_path / "github_output"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_TOKEN": hub.fake.token,
        "GITHUB_API_URL": hub.fake.url,
        "GITHUB_OUTPUT": str(output),
        "FIXUP_PATH": ".",
        "FIXUP_BRANCH": "fixup/auto",
        "FIXUP_LABELS": "fixup, automated",
        "FIXUP_AUTHOR": "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>",
        # One argument a line.
        "FIXUP_ARGS": f"--select\nrelative-imports\n--config\n{ABSOLUTE_STYLE}\n--no-cache",
    }
    proc = subprocess.run(
        ["bash", "-c", step["run"]], cwd=hub.root, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert output.read_text() == "exit-code=0\n"
    assert hub.fake.pulls[0].labels == ["fixup", "automated"]
    who = sh(hub.root, "log", "-1", "--format=%an <%ae>|%cn", "fixup/auto").strip()
    assert (
        who
        == "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|github-actions[bot]"
    )


def test_redirects_keep_the_token_on_the_api_host() -> None:
    moved = {
        "message": "Moved Permanently",
        "url": "",
        "documentation_url": "https://docs.github.com/rest",
    }
    with FakeGitHub() as fake, FakeGitHub() as elsewhere:
        client = GitHub(fake.url, fake.token, RemoteRepo("github.com", "octo", "app"))
        # A renamed repository answers 301; following it on the same host keeps working.
        fake.fail_once(
            "GET", r"/repos/octo/app", 301, moved, {"Location": f"{fake.url}/repos/octo/app"}
        )
        assert client.get_repository()["full_name"] == "octo/app"
        fake.fail_once(
            "GET", r"/repos/octo/app", 301, moved, {"Location": f"{elsewhere.url}/repos/octo/app"}
        )
        with pytest.raises(ForgeError, match="401"):
            client.get_repository()
        assert [e.request_headers.get("Authorization") for e in elsewhere.exchanges] == [None]


def test_pre_commit_manifest_is_valid() -> None:
    import shutil

    manifest = Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"
    yaml = pytest.importorskip("yaml")
    hooks = yaml.safe_load(manifest.read_text())
    assert [(h["id"], h["entry"], h["pass_filenames"]) for h in hooks] == [
        ("fixup", "fixup --allow-dirty --exit-non-zero-on-fix", False),
        ("fixup-check", "fixup --check", False),
    ]
    if shutil.which("pre-commit") is None:
        pytest.skip("pre-commit is not installed: the manifest's schema is not checked")
    subprocess.run(
        ["pre-commit", "validate-manifest", str(manifest)], check=True, capture_output=True
    )


def test_unknown_remote_is_a_usage_error(hub: Setup) -> None:
    code, _, stderr = hub.bot("--remote", "upstream")
    assert code == 2
    assert "no remote named 'upstream'" in stderr
    assert hub.fake.exchanges == []


def test_a_rerun_elsewhere_keeps_the_pushed_commits(hub: Setup, tmp_path: Path) -> None:
    # A fresh checkout (the next CI run) has no local fixup/auto: it starts from the remote's,
    # so the same fixes mean no new commits, no push, and local == remote afterwards.
    assert hub.bot()[0] == 0
    pushed = hub.remote_sha()
    sh(hub.root, "branch", "-D", "fixup/auto")
    code, _, stderr = hub.bot()
    assert code == 0, stderr
    assert "nothing pushed" in stderr
    assert hub.remote_sha() == pushed
    assert sh(hub.root, "rev-parse", "fixup/auto").strip() == pushed


def test_the_verification_result_goes_into_the_pull_request(hub: Setup) -> None:
    code, _, stderr = hub.bot("--verify", "imports")

    assert code == 0, stderr
    [pull] = hub.fake.pulls
    assert pull.body is not None
    assert "### Verification: import check (`fixup doctor`) passed" in pull.body
    assert pull.body.index("### Verification") < pull.body.index("## Reproduce locally")

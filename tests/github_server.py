"""A local stand-in for the GitHub REST API, for the bot's tests (loopback only).

It implements the endpoints fixup's forge uses, the way GitHub documents them
(https://docs.github.com/rest): ``GET /repos/{owner}/{repo}``, ``GET|POST .../pulls``,
``PATCH .../pulls/{n}``, ``GET|POST .../labels``, ``POST .../issues/{n}/labels``, with the
documented objects (every required field of ``repository``, ``pull-request-simple``,
``pull-request``, ``label``), ``Link`` header pagination, rate-limit headers, and GitHub's
error bodies (401 Bad credentials, 403 rate limit, 404 Not Found, 422 Validation Failed).
Every request and response is recorded, so a test can check both against GitHub's OpenAPI
description (see ``OpenAPIChecker``).

It speaks https only, as fixup insists: its certificate is issued by a test CA (``trustme``)
that the tests trust through ``SSL_CERT_FILE``, OpenSSL's own setting, so that fixup's rule
(no token over plain http) has no exception for tests. ``Recorder`` is a loopback server
standing in for another forge: it records every connection and every request's headers.
"""

from __future__ import annotations

import functools
import json
import os
import re
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import trustme

NOW = "2026-01-02T03:04:05Z"
DOCS = "https://docs.github.com/rest"


@functools.cache
def test_ca() -> trustme.CA:
    """One certificate authority for the test session; ``write_ca_file`` hands it to clients."""
    return trustme.CA()


def write_ca_file(path: Path) -> Path:
    """The test CA's certificate as a PEM file, for ``SSL_CERT_FILE``."""
    test_ca().cert_pem.write_to_path(str(path))
    return path


def _server_context() -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    test_ca().issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


class _LoopbackServer(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that logs every connection it accepts, before any TLS
    handshake or request (a connection that never says a word is logged too); with ``tls``,
    the handshake happens in the request's own thread."""

    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler], tls: bool) -> None:
        self.connections: list[tuple[str, int]] = []
        self._context = _server_context() if tls else None
        super().__init__(("127.0.0.1", 0), handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = self.socket.accept()
        self.connections.append(address)
        if self._context is not None:
            sock = self._context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address


_Served = TypeVar("_Served", bound="_OnLoopback")


class _OnLoopback:
    """A ``_LoopbackServer`` served on a thread for the length of a ``with`` block."""

    _server: _LoopbackServer

    def _serve(self, server: _LoopbackServer) -> None:
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def connections(self) -> list[tuple[str, int]]:
        return self._server.connections

    def __enter__(self: _Served) -> _Served:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@dataclass
class Exchange:
    """One request and the response the server gave."""

    method: str
    path: str
    query: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""

    @property
    def json(self) -> Any:
        return json.loads(self.request_body) if self.request_body else None


@dataclass
class StoredPull:
    number: int
    title: str
    body: str | None
    head: str
    base: str
    state: str = "open"
    merged: bool = False
    labels: list[str] = field(default_factory=list)
    head_owner: str = ""


class FakeGitHub(_OnLoopback):
    """The fake API for one repository ``owner/name``; ``bare_repo`` is its git remote."""

    def __init__(
        self,
        *,
        owner: str = "octo",
        name: str = "app",
        token: str = "ghs_test_token_0123456789",
        default_branch: str = "main",
        bare_repo: Path | None = None,
        page_size: int = 100,
    ) -> None:
        self.owner, self.name, self.token = owner, name, token
        self.default_branch = default_branch
        self.bare_repo = bare_repo
        #: GitHub caps per_page at 100; tests lower the cap to exercise pagination.
        self.page_size = page_size
        self._lock = threading.Lock()
        self._serve(_LoopbackServer(self._handler(), tls=True))
        self.pulls: list[StoredPull] = []
        self.labels: list[dict[str, Any]] = []
        self.labels.append(self._label("bug", "d73a4a", "Something isn't working", True))
        self.exchanges: list[Exchange] = []
        #: (method, path regex, status, body, headers): answered once instead of the real thing.
        self.failures: list[tuple[str, str, int, Any, dict[str, str]]] = []
        #: When set, every request gets a primary rate-limit 403 resetting at this epoch second.
        self.rate_limit_reset: int | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    # ------------------------------------------------------------ test helpers

    def add_pull(
        self, head: str, *, state: str = "open", merged: bool = False, title: str = "old"
    ) -> StoredPull:
        pull = StoredPull(
            len(self.pulls) + 1,
            title,
            "old body",
            head,
            self.default_branch,
            state,
            merged,
            head_owner=self.owner,
        )
        self.pulls.append(pull)
        return pull

    def fail_once(
        self,
        method: str,
        path: str,
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.failures.append((method, path, status, body, headers or {}))

    def requests(self, method: str | None = None, path: str | None = None) -> list[Exchange]:
        return [
            e
            for e in self.exchanges
            if (method is None or e.method == method)
            and (path is None or re.fullmatch(path, e.path))
        ]

    # ------------------------------------------------------------ objects

    def _api(self, tail: str = "") -> str:
        return f"{self.url}/repos/{self.owner}/{self.name}{tail}"

    def _user(self, login: str) -> dict[str, Any]:
        api = f"{self.url}/users/{login}"
        return {
            "login": login,
            "id": 1,
            "node_id": "MDQ6VXNlcjE=",
            "avatar_url": f"https://github.com/images/{login}.gif",
            "gravatar_id": "",
            "url": api,
            "html_url": f"https://github.com/{login}",
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": "User",
            "site_admin": False,
        }

    def _repository(self, full: bool = False) -> dict[str, Any]:
        api = self._api()
        templated = {
            "archive_url": "/{archive_format}{/ref}",
            "assignees_url": "/assignees{/user}",
            "blobs_url": "/git/blobs{/sha}",
            "branches_url": "/branches{/branch}",
            "collaborators_url": "/collaborators{/collaborator}",
            "comments_url": "/comments{/number}",
            "commits_url": "/commits{/sha}",
            "compare_url": "/compare/{base}...{head}",
            "contents_url": "/contents/{+path}",
            "git_commits_url": "/git/commits{/sha}",
            "git_refs_url": "/git/refs{/sha}",
            "git_tags_url": "/git/tags{/sha}",
            "issue_comment_url": "/issues/comments{/number}",
            "issue_events_url": "/issues/events{/number}",
            "issues_url": "/issues{/number}",
            "keys_url": "/keys{/key_id}",
            "labels_url": "/labels{/name}",
            "milestones_url": "/milestones{/number}",
            "notifications_url": "/notifications{?since,all,participating}",
            "pulls_url": "/pulls{/number}",
            "releases_url": "/releases{/id}",
            "statuses_url": "/statuses/{sha}",
            "trees_url": "/git/trees{/sha}",
            "contributors_url": "/contributors",
            "deployments_url": "/deployments",
            "downloads_url": "/downloads",
            "events_url": "/events",
            "forks_url": "/forks",
            "hooks_url": "/hooks",
            "languages_url": "/languages",
            "merges_url": "/merges",
            "stargazers_url": "/stargazers",
            "subscribers_url": "/subscribers",
            "subscription_url": "/subscription",
            "tags_url": "/tags",
            "teams_url": "/teams",
        }
        repo: dict[str, Any] = {key: api + tail for key, tail in templated.items()}
        web = f"https://github.com/{self.owner}/{self.name}"
        repo.update(
            {
                "id": 42,
                "node_id": "MDEwOlJlcG9zaXRvcnk0Mg==",
                "name": self.name,
                "full_name": f"{self.owner}/{self.name}",
                "license": None,
                "forks": 0,
                "owner": self._user(self.owner),
                "private": False,
                "html_url": web,
                "description": None,
                "fork": False,
                "url": api,
                "git_url": f"git://github.com/{self.owner}/{self.name}.git",
                "ssh_url": f"git@github.com:{self.owner}/{self.name}.git",
                "clone_url": f"{web}.git",
                "mirror_url": None,
                "svn_url": web,
                "homepage": None,
                "language": "Python",
                "forks_count": 0,
                "stargazers_count": 0,
                "watchers_count": 0,
                "size": 1,
                "default_branch": self.default_branch,
                "open_issues_count": 0,
                "has_issues": True,
                "has_projects": True,
                "has_wiki": True,
                "has_pages": False,
                "has_downloads": True,
                "archived": False,
                "disabled": False,
                "pushed_at": NOW,
                "created_at": NOW,
                "updated_at": NOW,
                "open_issues": 0,
                "watchers": 0,
            }
        )
        if full:
            repo.update({"has_discussions": False, "network_count": 0, "subscribers_count": 0})
        return repo

    def _label(
        self, name: str, color: str, description: str | None, default: bool = False
    ) -> dict[str, Any]:
        return {
            "id": 1000 + len(self.labels),
            "node_id": "MDU6TGFiZWwx",
            "url": self._api("/labels/" + urllib.parse.quote(name)),
            "name": name,
            "description": description,
            "color": color,
            "default": default,
        }

    def _pull(self, pull: StoredPull, full: bool) -> dict[str, Any]:
        api = self._api(f"/pulls/{pull.number}")
        issue = self._api(f"/issues/{pull.number}")
        web = f"https://github.com/{self.owner}/{self.name}/pull/{pull.number}"
        labels = [label for label in self.labels if label["name"] in pull.labels]

        def side(ref: str) -> dict[str, Any]:
            return {
                "label": f"{self.owner}:{ref}",
                "ref": ref,
                "repo": self._repository(),
                "sha": "0" * 40,
                "user": self._user(self.owner),
            }

        data: dict[str, Any] = {
            "url": api,
            "id": 5000 + pull.number,
            "node_id": "MDExOlB1bGxSZXF1ZXN0MQ==",
            "html_url": web,
            "diff_url": f"{web}.diff",
            "patch_url": f"{web}.patch",
            "issue_url": issue,
            "commits_url": f"{api}/commits",
            "review_comments_url": f"{api}/comments",
            "review_comment_url": self._api("/pulls/comments{/number}"),
            "comments_url": f"{issue}/comments",
            "statuses_url": self._api("/statuses/" + "0" * 40),
            "number": pull.number,
            "state": pull.state,
            "locked": False,
            "title": pull.title,
            "user": self._user("fixup-bot"),
            "body": pull.body,
            "labels": labels,
            "milestone": None,
            "active_lock_reason": None,
            "created_at": NOW,
            "updated_at": NOW,
            "closed_at": NOW if pull.state == "closed" else None,
            "merged_at": NOW if pull.merged else None,
            "merge_commit_sha": None,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [],
            "requested_teams": [],
            "head": side(pull.head),
            "base": side(pull.base),
            "_links": {
                key: {"href": href}
                for key, href in {
                    "comments": f"{issue}/comments",
                    "commits": f"{api}/commits",
                    "statuses": self._api("/statuses/" + "0" * 40),
                    "html": web,
                    "issue": issue,
                    "review_comments": f"{api}/comments",
                    "review_comment": self._api("/pulls/comments{/number}"),
                    "self": api,
                }.items()
            },
            "author_association": "NONE",
            "auto_merge": None,
            "draft": False,
        }
        if full:
            data.update(
                {
                    "merged": pull.merged,
                    "mergeable": True,
                    "rebaseable": True,
                    "mergeable_state": "clean",
                    "merged_by": None,
                    "comments": 0,
                    "review_comments": 0,
                    "maintainer_can_modify": True,
                    "commits": 1,
                    "additions": 1,
                    "deletions": 1,
                    "changed_files": 1,
                }
            )
        return data

    # ------------------------------------------------------------ routing

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

            def _serve(self) -> None:
                parsed = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                exchange = Exchange(
                    self.command,
                    parsed.path,
                    parsed.query,
                    dict(self.headers.items()),
                    self.rfile.read(length) if length else b"",
                )
                with fake._lock:
                    status, body, headers = fake._route(exchange)
                raw = json.dumps(body).encode() if body is not None else b""
                headers = {
                    "Content-Type": "application/json; charset=utf-8",
                    "X-GitHub-Api-Version-Selected": "2022-11-28",
                    **fake._rate_headers(),
                    **headers,
                    "Content-Length": str(len(raw)),
                }
                exchange.status, exchange.response_headers, exchange.response_body = (
                    status,
                    headers,
                    raw,
                )
                fake.exchanges.append(exchange)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        return Handler

    def _rate_headers(self) -> dict[str, str]:
        reset = self.rate_limit_reset or int(time.time()) + 3600
        return {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": "0" if self.rate_limit_reset else "4999",
            "x-ratelimit-used": "5000" if self.rate_limit_reset else "1",
            "x-ratelimit-reset": str(reset),
            "x-ratelimit-resource": "core",
        }

    def _error(
        self, status: int, message: str, doc: str = DOCS, errors: list[dict[str, Any]] | None = None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        body: dict[str, Any] = {"message": message, "documentation_url": doc, "status": str(status)}
        if errors is not None:
            body["errors"] = errors
        return status, body, {}

    def _route(self, ex: Exchange) -> tuple[int, Any, dict[str, str]]:
        auth = ex.request_headers.get("Authorization", "")
        if auth not in (f"Bearer {self.token}", f"token {self.token}"):
            return self._error(401, "Bad credentials")
        if self.rate_limit_reset is not None:
            return self._error(
                403,
                "API rate limit exceeded for installation ID 1.",
                "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
            )
        for i, (method, pattern, status, body, headers) in enumerate(self.failures):
            if method == ex.method and re.fullmatch(pattern, ex.path):
                del self.failures[i]
                return status, body, headers
        prefix = f"/repos/{self.owner}/{self.name}"
        if ex.path != prefix and not ex.path.startswith(prefix + "/"):
            return self._error(
                404, "Not Found", "https://docs.github.com/rest/repos/repos#get-a-repository"
            )
        tail = ex.path[len(prefix) :]
        query = dict(urllib.parse.parse_qsl(ex.query))
        if ex.method == "GET" and tail == "":
            return 200, self._repository(full=True), {}
        if ex.method == "GET" and tail == "/pulls":
            return self._list_pulls(ex, query)
        if ex.method == "POST" and tail == "/pulls":
            return self._create_pull(ex.json or {})
        if (match := re.fullmatch(r"/pulls/(\d+)", tail)) and ex.method == "PATCH":
            return self._update_pull(int(match.group(1)), ex.json or {})
        if ex.method == "GET" and tail == "/labels":
            return self._paginated(ex, query, self.labels)
        if ex.method == "POST" and tail == "/labels":
            return self._create_label(ex.json or {})
        if (match := re.fullmatch(r"/issues/(\d+)/labels", tail)) and ex.method == "POST":
            return self._add_labels(int(match.group(1)), ex.json or {})
        return self._error(404, "Not Found")

    def _paginated(
        self, ex: Exchange, query: dict[str, str], items: list[Any]
    ) -> tuple[int, Any, dict[str, str]]:
        per_page = min(int(query.get("per_page", "30")), 100, self.page_size)
        page = int(query.get("page", "1"))
        last = max(1, -(-len(items) // per_page))
        links = []

        def link(number: int, rel: str) -> str:
            params = urllib.parse.urlencode({**query, "page": str(number)})
            return f'<{self.url}{ex.path}?{params}>; rel="{rel}"'

        if page > 1:
            links += [link(page - 1, "prev"), link(1, "first")]
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        headers = {"Link": ", ".join(links)} if links else {}
        return 200, items[(page - 1) * per_page : page * per_page], headers

    def _list_pulls(self, ex: Exchange, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        state = query.get("state", "open")
        pulls = [
            p for p in reversed(self.pulls) if state == "all" or p.state == state
        ]  # newest first
        if "head" in query:
            owner, _, ref = query["head"].partition(":")
            pulls = [p for p in pulls if p.head_owner == owner and p.head == ref]
        if "base" in query:
            pulls = [p for p in pulls if p.base == query["base"]]
        return self._paginated(ex, query, [self._pull(p, full=False) for p in pulls])

    def _branch_exists(self, ref: str) -> bool:
        if self.bare_repo is None:
            return True
        proc = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{ref}"],
            cwd=self.bare_repo,
            capture_output=True,
            env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"},
        )
        return proc.returncode == 0

    def _create_pull(self, data: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        doc = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request"
        missing = [key for key in ("head", "base") if not isinstance(data.get(key), str)]
        if missing or not data.get("title"):
            return self._error(
                422,
                "Validation Failed",
                doc,
                [
                    {
                        "resource": "PullRequest",
                        "field": (missing or ["title"])[0],
                        "code": "missing_field",
                    }
                ],
            )
        head = str(data["head"]).split(":")[-1]
        if not self._branch_exists(head):
            return self._error(
                422,
                "Validation Failed",
                doc,
                [{"resource": "PullRequest", "field": "head", "code": "invalid"}],
            )
        if any(p.head == head and p.base == data["base"] and p.state == "open" for p in self.pulls):
            return self._error(
                422,
                "Validation Failed",
                doc,
                [
                    {
                        "resource": "PullRequest",
                        "code": "custom",
                        "message": f"A pull request already exists for {self.owner}:{head}.",
                    }
                ],
            )
        pull = StoredPull(
            len(self.pulls) + 1,
            data["title"],
            data.get("body"),
            head,
            data["base"],
            head_owner=self.owner,
        )
        self.pulls.append(pull)
        return 201, self._pull(pull, full=True), {"Location": self._api(f"/pulls/{pull.number}")}

    def _update_pull(self, number: int, data: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        pull = next((p for p in self.pulls if p.number == number), None)
        if pull is None:
            return self._error(404, "Not Found")
        pull.title = data.get("title", pull.title)
        pull.body = data.get("body", pull.body)
        if data.get("state") in ("open", "closed"):
            pull.state = data["state"]
        return 200, self._pull(pull, full=True), {}

    def _create_label(self, data: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        name = str(data.get("name") or "")
        if any(label["name"].lower() == name.lower() for label in self.labels):
            return self._error(
                422,
                "Validation Failed",
                "https://docs.github.com/rest/issues/labels#create-a-label",
                [{"resource": "Label", "code": "already_exists", "field": "name"}],
            )
        label = self._label(name, str(data.get("color") or "ededed"), data.get("description"))
        self.labels.append(label)
        return 201, label, {}

    def _add_labels(self, number: int, data: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        pull = next((p for p in self.pulls if p.number == number), None)
        if pull is None:
            return self._error(404, "Not Found")
        for name in data.get("labels", []):
            if not any(label["name"] == name for label in self.labels):
                self.labels.append(self._label(name, "ededed", None))
            if name not in pull.labels:
                pull.labels.append(name)
        return 200, [label for label in self.labels if label["name"] in pull.labels], {}


# -------------------------------------------------------------------- another forge


@dataclass
class Recorded:
    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes


class Recorder(_OnLoopback):
    """A loopback server standing in for another forge (or any host that is not GitHub's API):
    it logs every connection and every request with all its headers, and answers every request
    with 401 and a Basic challenge, the answer most likely to draw credentials out of a client."""

    def __init__(self, *, tls: bool) -> None:
        self.tls = tls
        self.requests: list[Recorded] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                recorder.requests.append(
                    Recorded(self.command, self.path, list(self.headers.items()), body)
                )
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="forge"')
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        self._serve(_LoopbackServer(Handler, tls=tls))

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def carries(self, secrets: list[str]) -> list[str]:
        """Where any of ``secrets`` appears in what the server received (an empty list: nowhere)."""
        found = []
        for request in self.requests:
            for name, value in request.headers:
                if any(secret in value for secret in secrets):
                    found.append(f"{request.method} {request.path}: header {name}")
            if any(secret in request.path or secret.encode() in request.body for secret in secrets):
                found.append(f"{request.method} {request.path}: path or body")
        return found


# -------------------------------------------------------------------- OpenAPI


#: (path template, method) of every operation the fake implements.
OPERATIONS = (
    ("/repos/{owner}/{repo}", "get"),
    ("/repos/{owner}/{repo}/pulls", "get"),
    ("/repos/{owner}/{repo}/pulls", "post"),
    ("/repos/{owner}/{repo}/pulls/{pull_number}", "patch"),
    ("/repos/{owner}/{repo}/labels", "get"),
    ("/repos/{owner}/{repo}/labels", "post"),
    ("/repos/{owner}/{repo}/issues/{issue_number}/labels", "post"),
)


def openapi_spec_path() -> Path | None:
    """GitHub's OpenAPI description, as tests/fetch_openapi.sh leaves it (None: not fetched)."""
    configured = os.environ.get("FIXUP_GITHUB_OPENAPI")
    candidates = [Path(configured)] if configured else []
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    candidates.append(cache / "fixup" / "openapi" / "api.github.com.json")
    return next((path for path in candidates if path.is_file()), None)


def subset_spec(spec: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The operations in OPERATIONS and every component they reference (the full description
    is 13 MB; openapi-core builds its validators far faster on the part that is used)."""
    paths: dict[str, Any] = {}
    for template, method in OPERATIONS:
        entry = spec["paths"][template]
        paths.setdefault(template, {k: v for k, v in entry.items() if k == "parameters"})[
            method
        ] = entry[method]
    components: dict[str, dict[str, Any]] = {}
    pending = list(_refs(paths))
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, _, kind, name = ref.split("/", 3)
        node = spec["components"][kind][name]
        components.setdefault(kind, {})[name] = node
        pending.extend(_refs(node))
    return {
        "openapi": spec["openapi"],
        "info": spec["info"],
        "servers": [{"url": base_url}],
        "paths": paths,
        "components": components,
    }


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


class OpenAPIChecker:
    """Checks recorded exchanges against GitHub's OpenAPI description with openapi-core.

    Requests are checked as the operation documents them (path, query parameters, body).
    Responses with a documented status are checked against that response's schema and
    headers; the ones GitHub sends for any operation without listing them everywhere (401,
    and 403 or 404 where the operation omits them) are checked against ``basic-error``.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        from openapi_core import OpenAPI

        # A relative server URL: the fake's port differs from run to run.
        self.subset = subset_spec(spec, "/")
        self.openapi = OpenAPI.from_dict(self.subset)

    def check(self, exchanges: list[Exchange], base_url: str) -> list[str]:
        """One message per problem found (an empty list: everything conforms)."""
        from openapi_core.testing import MockRequest, MockResponse

        problems = []
        for ex in exchanges:
            args = dict(urllib.parse.parse_qsl(ex.query))
            request = MockRequest(
                base_url,
                ex.method.lower(),
                ex.path,
                args=args,
                headers=ex.request_headers,
                data=ex.request_body or None,
                content_type=ex.request_headers.get("Content-Type", "application/json"),
            )
            where = f"{ex.method} {ex.path}?{ex.query} -> {ex.status}"
            try:
                self.openapi.validate_request(request)
            except Exception as exc:
                problems.append(f"{where}: request: {_explain(exc)}")
            operation = self._operation(ex)
            if operation is not None and str(ex.status) in operation["responses"]:
                response = MockResponse(
                    ex.response_body,
                    status_code=ex.status,
                    headers=ex.response_headers,
                    content_type="application/json",
                )
                try:
                    self.openapi.validate_response(request, response)
                except Exception as exc:
                    problems.append(f"{where}: response: {_explain(exc)}")
            elif ex.status >= 400:
                problems.extend(f"{where}: error body: {p}" for p in self._check_error(ex))
            else:
                problems.append(f"{where}: status {ex.status} is not documented for this operation")
        return problems

    def _operation(self, ex: Exchange) -> dict[str, Any] | None:
        for template, method in OPERATIONS:
            pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
            if method == ex.method.lower() and re.fullmatch(pattern, ex.path):
                operation: dict[str, Any] = self.subset["paths"][template][method]
                return operation
        return None

    def _check_error(self, ex: Exchange) -> list[str]:
        from jsonschema import Draft4Validator  # type: ignore[import-untyped]

        schema = self.subset["components"]["schemas"].get("basic-error") or {"type": "object"}
        return [
            error.message
            for error in Draft4Validator(schema).iter_errors(json.loads(ex.response_body))
        ]


def _explain(exc: Exception) -> str:
    causes = []
    current: BaseException | None = exc
    while current is not None:
        detail = getattr(current, "schema_errors", None)
        causes.append(f"{type(current).__name__}: {current}")
        if detail:
            causes.extend(str(e.message) for e in detail)
        current = current.__cause__
    return " <- ".join(causes)

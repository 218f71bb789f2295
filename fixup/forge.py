"""The GitHub REST client for the bot: the only module in fixup that talks to the network.

Where the token may go is decided here, before any connection (``api_root``): to
``https://api.github.com`` for a ``github.com`` remote, to ``https://api.HOST`` for a GitHub
Enterprise Cloud host ``*.ghe.com``, or to the API root the user gives with ``--api-url`` or
``GITHUB_API_URL`` (GitHub Enterprise Server: ``https://HOST/api/v3``), and only when that root
is on the remote's own host. Never over plain http, never to another forge.

It uses the few endpoints the bot needs, as GitHub documents them
(https://docs.github.com/rest): get a repository, list pull requests by head branch (with
``Link`` header pagination), create and update a pull request, list and create labels, and
add labels to a pull request. The token is sent in the ``Authorization`` header and nowhere
else: it never appears in a message, an exception or a URL.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from email.message import Message
from http.client import HTTPMessage
from typing import Any

from fixup import __version__

#: The REST API version fixup is written against (``X-GitHub-Api-Version``).
API_VERSION = "2022-11-28"
PUBLIC_HOST = "github.com"
PUBLIC_API_URL = "https://api.github.com"
#: GitHub Enterprise Cloud with data residency: SUBDOMAIN.ghe.com, its API at api.SUBDOMAIN.ghe.com.
CLOUD_SUFFIX = ".ghe.com"
DEFAULT_LABEL_COLOR = "ededed"


class ForgeError(Exception):
    """A GitHub API call failed; the message has the status and GitHub's own message."""

    def __init__(self, message: str, status: int | None = None, errors: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.status = status
        #: The ``errors[].message`` (or code) entries of a 422 response.
        self.errors = tuple(errors)


@dataclass(frozen=True)
class RemoteRepo:
    """The GitHub repository a git remote points at."""

    host: str
    owner: str
    name: str

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def web_url(self) -> str:
        return f"https://{self.host}/{self.full_name}"


_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>[^/].*)$")


def parse_remote_url(url: str) -> RemoteRepo:
    """owner/name from a remote URL: ``https://host/o/r(.git)``, ``git@host:o/r.git`` or
    ``ssh://git@host[:port]/o/r.git``."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme in ("https", "http", "ssh", "git") and parsed.hostname:
        host, path = parsed.hostname, parsed.path
    elif "://" not in url and (match := _SCP_LIKE.match(url)):
        host, path = match.group("host"), match.group("path")
    else:
        raise ForgeError(f"cannot tell the GitHub repository from the remote URL {_redact(url)!r}")
    parts = [p for p in path.strip("/").removesuffix(".git").split("/") if p]
    if len(parts) != 2:
        raise ForgeError(f"cannot tell owner/repository from the remote URL {_redact(url)!r}")
    return RemoteRepo(host=host.lower(), owner=parts[0], name=parts[1])


def _redact(url: str) -> str:
    # A remote URL may carry credentials (https://user:token@host/...): never repeat them.
    return re.sub(r"//[^/@]*@", "//***@", url)


def api_root(remote: RemoteRepo, given: str | None = None, source: str = "--api-url") -> str:
    """The REST API root the token may be sent to for the repository ``remote`` names.

    ``given`` is the root the user chose (``source`` names where from, for messages). Raises
    ForgeError, before any connection, when the token would leave GitHub or the remote's host.
    """
    host = remote.host
    if given is None:
        if host == PUBLIC_HOST:
            return PUBLIC_API_URL
        if host.endswith(CLOUD_SUFFIX) and "." not in host.removesuffix(CLOUD_SUFFIX):
            return f"https://api.{host}"
        raise ForgeError(
            f"the remote is on {host}, not on github.com: fixup sends the GitHub token only to "
            "api.github.com, to api.SUBDOMAIN.ghe.com, or to the API root you give with --api-url "
            "or GITHUB_API_URL (GitHub Enterprise Server: https://HOST/api/v3); other forges "
            "(GitLab, Gitea, Bitbucket) are not supported"
        )
    parsed = urllib.parse.urlsplit(given)
    if parsed.scheme != "https":
        raise ForgeError(
            f"{source} {_redact(given)!r}: the API root must be https://, or the token would "
            "travel unencrypted"
        )
    if not parsed.hostname or parsed.username is not None or parsed.query or parsed.fragment:
        raise ForgeError(f"{source} {_redact(given)!r} is not an API root (https://HOST/PATH)")
    api_host = parsed.hostname.lower()
    if api_host not in (host, f"api.{host}"):
        raise ForgeError(
            f"{source} {given!r} is on {api_host}, but the remote is on {host}: fixup sends the "
            f"token only to the API of the remote's own host ({_expected_api(host)})"
        )
    return given.rstrip("/")


def _expected_api(host: str) -> str:
    if host == PUBLIC_HOST:
        return PUBLIC_API_URL
    if host.endswith(CLOUD_SUFFIX):
        return f"https://api.{host}"
    return f"https://{host}/api/v3"


@dataclass(frozen=True)
class PullRequest:
    number: int
    #: "open" or "closed"
    state: str
    merged: bool
    title: str
    body: str
    html_url: str
    head_ref: str
    base_ref: str
    labels: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PullRequest:
        return cls(
            number=int(data["number"]),
            state=str(data["state"]),
            merged=data.get("merged_at") is not None,
            title=str(data.get("title") or ""),
            body=str(data.get("body") or ""),
            html_url=str(data.get("html_url") or ""),
            head_ref=str(data["head"]["ref"]),
            base_ref=str(data["base"]["ref"]),
            labels=tuple(str(label["name"]) for label in data.get("labels", ())),
        )


@dataclass(frozen=True)
class Response:
    status: int
    headers: Message
    data: Any


class GitHub:
    """A small client for one repository's pull requests and labels."""

    def __init__(self, api_url: str, token: str, repo: RemoteRepo, *, timeout: float = 30) -> None:
        if urllib.parse.urlsplit(api_url).scheme != "https":
            raise ForgeError(f"the API root {_redact(api_url)!r} is not https://: no token is sent")
        self.api_url = api_url.rstrip("/")
        self.repo = repo
        self._token = token
        self._timeout = timeout

    def __repr__(self) -> str:  # never show the token
        return f"GitHub({self.api_url!r}, {self.repo.full_name!r})"

    # ------------------------------------------------------------ endpoints

    def get_repository(self) -> dict[str, Any]:
        """``GET /repos/{owner}/{repo}``: proves the token works and the repository exists."""
        data = self._request("GET", self._repo_path()).data
        return dict(data)

    def pulls_for_branch(self, branch: str, state: str = "all") -> list[PullRequest]:
        """Pull requests whose head is ``owner:branch``, newest first (all pages)."""
        params = {"state": state, "head": f"{self.repo.owner}:{branch}", "per_page": "100"}
        pulls = [
            PullRequest.from_json(item) for item in self._paginate(self._repo_path("pulls"), params)
        ]
        # The head filter matches the owner's branch; keep exactly this branch (forks aside).
        return [pull for pull in pulls if pull.head_ref == branch]

    def create_pull(self, *, title: str, body: str, head: str, base: str) -> PullRequest:
        payload = {
            "title": title,
            "body": body,
            "head": head,
            "base": base,
            "maintainer_can_modify": True,
        }
        return PullRequest.from_json(
            self._request("POST", self._repo_path("pulls"), body=payload).data
        )

    def update_pull(self, number: int, *, title: str, body: str) -> PullRequest:
        payload = {"title": title, "body": body}
        return PullRequest.from_json(
            self._request("PATCH", self._repo_path(f"pulls/{number}"), body=payload).data
        )

    def ensure_labels(self, names: Sequence[str], description: str) -> list[str]:
        """Create those of the labels the repository does not have; return the ones created."""
        existing = {
            str(label["name"]).lower()
            for label in self._paginate(self._repo_path("labels"), {"per_page": "100"})
        }
        created = []
        for name in names:
            if name.lower() in existing:
                continue
            payload = {"name": name, "color": DEFAULT_LABEL_COLOR, "description": description}
            try:
                self._request("POST", self._repo_path("labels"), body=payload)
            except ForgeError as exc:
                if exc.status == 422 and "already_exists" in exc.errors:
                    continue  # created by someone else in the meantime
                raise
            created.append(name)
        return created

    def add_labels(self, number: int, names: Sequence[str]) -> None:
        self._request(
            "POST", self._repo_path(f"issues/{number}/labels"), body={"labels": list(names)}
        )

    # ------------------------------------------------------------ transport

    def _repo_path(self, tail: str = "") -> str:
        owner, name = (
            urllib.parse.quote(part, safe="") for part in (self.repo.owner, self.repo.name)
        )
        return f"/repos/{owner}/{name}" + (f"/{tail}" if tail else "")

    def _paginate(self, path: str, params: Mapping[str, str]) -> Iterator[Any]:
        url: str | None = f"{self.api_url}{path}?{urllib.parse.urlencode(params)}"
        while url is not None:
            response = self._request("GET", url)
            yield from response.data
            url = _next_link(response.headers.get("Link", ""))
            if url is not None and not url.startswith(self.api_url + "/"):
                # Never follow a link (and send the token) to another host.
                raise ForgeError(f"GitHub's pagination link leaves {self.api_url}: {url}")

    def _request(self, method: str, path_or_url: str, *, body: Any = None) -> Response:
        url = path_or_url if "://" in path_or_url else f"{self.api_url}{path_or_url}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("X-GitHub-Api-Version", API_VERSION)
        request.add_header("User-Agent", f"fixup/{__version__}")
        request.add_header("Authorization", f"Bearer {self._token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        where = f"{method} {urllib.parse.urlsplit(url).path}"
        try:
            with _OPENER.open(request, timeout=self._timeout) as reply:
                raw = reply.read()
                return Response(
                    reply.status, reply.headers, json.loads(raw) if raw.strip() else None
                )
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            raise _api_error(where, exc.code, exc.headers, raw, self.repo) from None
        except urllib.error.URLError as exc:
            raise ForgeError(f"{where}: cannot reach {self.api_url}: {exc.reason}") from None
        except (TimeoutError, OSError) as exc:
            raise ForgeError(f"{where}: cannot reach {self.api_url}: {exc}") from None
        except json.JSONDecodeError:
            raise ForgeError(f"{where}: GitHub's answer is not JSON") from None


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follows GitHub's redirects (a renamed repository answers 301) but never carries the
    token to another host or over plain http: urllib would copy the Authorization header along."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        old_url, new_url = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if new is not None and (new_url.netloc != old_url.netloc or new_url.scheme != "https"):
            new.remove_header("Authorization")
        return new


_OPENER = urllib.request.build_opener(_SameHostRedirects)


def _next_link(header: str) -> str | None:
    """The ``rel="next"`` URL of a ``Link`` header (RFC 8288), as GitHub paginates."""
    for part in header.split(","):
        match = re.match(r"\s*<([^>]*)>\s*;(.*)", part)
        if match and re.search(r'\brel="?next"?', match.group(2)):
            return match.group(1)
    return None


def _api_error(
    where: str, status: int, headers: Message, raw: bytes, repo: RemoteRepo
) -> ForgeError:
    try:
        payload = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        payload = {}
    if not isinstance(payload, dict):
        payload = {}
    message = str(payload.get("message") or "no message")
    errors = []
    for item in payload.get("errors") or ():
        if isinstance(item, dict):
            errors.append(str(item.get("message") or item.get("code") or ""))
        else:
            errors.append(str(item))
    detail = f"{message}" + (f": {'; '.join(e for e in errors if e)}" if any(errors) else "")
    text = f"{where}: GitHub answered {status}: {detail}"
    if status == 401:
        text += " (check the token in GITHUB_TOKEN or GH_TOKEN)"
    elif status in (403, 429) and (
        headers.get("x-ratelimit-remaining") == "0" or "rate limit" in message.lower()
    ):
        reset = headers.get("x-ratelimit-reset")
        retry_after = headers.get("retry-after")
        if reset and reset.isdigit():
            when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(int(reset)))
            text += f" (rate limit; it resets at {when})"
        elif retry_after:
            text += f" (rate limit; retry after {retry_after} seconds)"
    elif status == 403:
        text += (
            " (the token lacks a permission: the bot needs contents and pull requests write access)"
        )
    elif status == 404:
        text += f" (is {repo.full_name} the right repository, and can the token see it?)"
    codes = [
        str(item.get("code")) for item in payload.get("errors") or () if isinstance(item, dict)
    ]
    return ForgeError(text, status, errors=[*errors, *codes])

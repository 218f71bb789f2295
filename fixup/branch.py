"""The branch sink and the bot: fixes committed on a branch, one commit per fixer, and that
branch pushed with a pull request opened or updated on GitHub.

``fixup --branch NAME`` never touches the user's working tree, index or current branch:
the fixes are computed from the committed state of the base, the commits are built with git
plumbing in a temporary index (fixup/git.py), and the branch ref moves only at the end.

Every commit fixup makes carries the trailers ``Fixup-Version`` and ``Fixup-Tree`` (the
commit's own tree). A commit without them, with more than one parent, or whose tree is not
the one it names (amended by hand) is someone else's: a branch holding one is never rebuilt.

The bot (``--pr``) behaves the way Renovate does: one branch name (``fixup/auto``) and one open
pull request. Every set of fixes has a fingerprint (``fingerprint``: a hash of each fix's fixer,
title, files and changed lines, not of line numbers or context), kept in the commits'
``Fixup-Fingerprint`` trailer and in a hidden marker of the pull request's body. A pull request
closed without merging declines that set of fixes only: fixup does not propose it again, but
different fixes open a new pull request. The branch is re-pushed only when the fixes change, or
when a file they change differs in the new base; otherwise the branch, its commits and the pull
request's body stay as they are. A branch where a person has pushed commits is left alone until
``--take-back``, which names the commits it drops.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from fixup import __version__
from fixup.config import Config, ConfigError
from fixup.console import Console
from fixup.fix import Fix, Provenance, Report
from fixup.forge import (
    ForgeError,
    GitHub,
    PullRequest,
    RemoteRepo,
    api_root,
    parse_remote_url,
)
from fixup.git import (
    CommitInfo,
    GitError,
    GitRepo,
    blob_ids,
    branch_commit,
    build_tree,
    check_branch_name,
    checked_out_branches,
    commit_tree,
    commits_between,
    current_branch,
    detected_renames,
    fetch_commit,
    find_repo,
    has_uncommitted_changes,
    identity,
    push_branch,
    read_blobs,
    remote_branch,
    remote_url,
    resolve_commit,
    token_env,
    tree_modes,
    update_branch,
)
from fixup.project import Project
from fixup.report import fix_diff, folded_diff
from fixup.sinks import Emit, RefusedError, print_skipped
from fixup.textio import TextFormat, encode

DEFAULT_BRANCH = "fixup/auto"
DEFAULT_LABELS = ("fixup",)
VERSION_TRAILER = "Fixup-Version"
TREE_TRAILER = "Fixup-Tree"
FINGERPRINT_TRAILER = "Fixup-Fingerprint"
#: The hidden first line of a pull request's body that names the set of fixes it proposes.
FINGERPRINT_MARKER = re.compile(r"<!-- fixup-fingerprint: ([0-9a-f]+) -->")
#: GitHub refuses pull request bodies over 65536 characters; keep a margin.
BODY_LIMIT = 60000
EXIT_OK = 0
EXIT_REFUSED = 2


@dataclass(frozen=True)
class BranchOptions:
    """What ``--branch`` / ``--pr`` and their companions asked for."""

    name: str = DEFAULT_BRANCH
    #: The ref to build on; None means HEAD.
    base: str | None = None
    update: bool = False
    #: "Name <email>", or None for git's configured author.
    author: str | None = None
    signoff: bool = False
    pr: bool = False
    remote: str = "origin"
    force: bool = False
    labels: tuple[str, ...] = DEFAULT_LABELS
    #: The REST API root the user gave; None: derived from the remote's host (github.com and
    #: *.ghe.com only). Never from the target repository's configuration.
    api_url: str | None = None
    #: Where ``api_url`` came from ("--api-url" or "GITHUB_API_URL"), for messages.
    api_url_source: str = "--api-url"
    #: Rebuild a branch a person pushed to, dropping their commits (after naming them).
    take_back: bool = False


@dataclass(frozen=True)
class Bot:
    """Where the bot pushes and whom it asks for the pull request."""

    remote: RemoteRepo
    client: GitHub
    #: Environment for git's network commands (the token, scoped to the remote's host).
    git_env: dict[str, str]


@dataclass(frozen=True)
class BranchRun:
    """A ``--branch`` run, prepared before any fixer runs (so bad options fail fast)."""

    options: BranchOptions
    repo: GitRepo
    #: The base commit (full sha) and how the user named it.
    base: str
    base_ref: str
    #: The branch name the base stands for (the pull request's base), if it is a branch.
    base_branch: str | None
    dirty: bool
    bot: Bot | None = None
    #: The ``--verify`` result as a Markdown section for the pull request, if it ran.
    verification: str | None = None

    @property
    def base_label(self) -> str:
        """How messages name the base: "main (3a712ec0c1d2)"."""
        name = self.base_branch if self.base_ref == "HEAD" and self.base_branch else self.base_ref
        return f"{name} ({self.base[:12]})"


@dataclass(frozen=True)
class BranchCommit:
    sha: str
    fixer: str
    title: str


@dataclass(frozen=True)
class BranchResult:
    branch: str
    base: str
    commits: tuple[BranchCommit, ...]
    tip: str
    #: The branch existed before this run.
    existed: bool
    #: The branch already held exactly these commits' content; the ref did not move.
    unchanged: bool


# -------------------------------------------------------------------- preparing


def prepare(path: Path, options: BranchOptions, config: Config) -> BranchRun:
    """Check the options against the repository; raises ConfigError or RefusedError."""
    repo = find_repo(path)
    if repo is None:
        raise ConfigError(f"{path}: --branch needs a git repository")
    if not check_branch_name(repo, options.name):
        raise ConfigError(f"{options.name!r} is not a valid branch name")
    base_ref = options.base or "HEAD"
    base = resolve_commit(repo, base_ref)
    if base is None:
        raise ConfigError(
            f"--base {base_ref!r}: no such commit"
            if options.base
            else "the repository has no commits yet"
        )
    if options.name in checked_out_branches(repo):
        raise RefusedError(
            f"branch {options.name} is checked out: fixup never moves a checked-out branch"
        )
    base_branch = _branch_name_of(repo, base_ref, options.remote)
    bot = _prepare_bot(repo, options) if options.pr else None
    return BranchRun(
        options=options,
        repo=repo,
        base=base,
        base_ref=base_ref,
        base_branch=base_branch,
        dirty=has_uncommitted_changes(repo),
        bot=bot,
    )


def _branch_name_of(repo: GitRepo, ref: str, remote: str) -> str | None:
    if ref == "HEAD":
        return current_branch(repo)
    for prefix in ("refs/heads/", f"refs/remotes/{remote}/", f"{remote}/"):
        if ref.startswith(prefix) and resolve_commit(repo, ref) is not None:
            return ref.removeprefix(prefix)
    return ref if branch_commit(repo, ref) is not None else None


def _prepare_bot(repo: GitRepo, options: BranchOptions) -> Bot:
    try:
        url = remote_url(repo, options.remote)
        remote = parse_remote_url(url)
        # Where the token may go is settled here, before any connection (fixup/forge.py).
        api_url = api_root(remote, options.api_url, options.api_url_source)
    except (GitError, ForgeError) as exc:
        raise ConfigError(f"--pr: {exc}") from None
    token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN")
    if not token:
        raise ConfigError("--pr needs a GitHub token in GITHUB_TOKEN or GH_TOKEN")
    # git gets the token only for URLs on the remote's own host (http.<url>.extraheader), so a
    # pushurl or insteadOf that sends git elsewhere sends it there without the token.
    return Bot(remote=remote, client=GitHub(api_url, token, remote), git_env=token_env(url, token))


def load_base(run: BranchRun, root: Path, config: Config) -> Project:
    """The project as committed in the base: what the branch's fixes are computed from."""
    return Project.at_commit(root, config, run.repo, run.base)


# -------------------------------------------------------------------- commits


def commit_fixes(
    run: BranchRun, report: Report, *, update: bool, take_back: bool = False
) -> BranchResult | None:
    """Commit the report's fixes on the branch, one commit per fixer; None when there are none.

    ``take_back``: replace the branch even when it holds commits fixup did not make (the bot's
    ``--take-back``, which has named them first)."""
    repo, name = run.repo, run.options.name
    existing = branch_commit(repo, name)
    if existing is not None:
        if not update:
            raise RefusedError(
                f"branch {name} exists; pass --update to rebuild it on {run.base_ref}"
            )
        foreign = foreign_commits(repo, run.base, existing)
        if foreign and not take_back:
            raise RefusedError(
                f"branch {name} {_describe_foreign(foreign)}; fixup does not rebuild it"
            )
    if not report.fixes:
        return None

    env = _identity_env(run.options.author)
    signoff = f"Signed-off-by: {identity(repo, 'COMMITTER', env)}" if run.options.signoff else None
    project = report.before
    parent = run.base
    wanted = fingerprint(report.fixes)
    commits: list[BranchCommit] = []
    for fixer, fixes in _group_by_fixer(report.fixes):
        previous = project
        for fix in fixes:
            project = project.apply(fix)
        changes = _tree_changes(repo, parent, previous, project, fixes)
        tree = build_tree(repo, parent, changes)
        title = commit_title(fixer, fixes)
        message = commit_message(fixer, fixes, title, tree, run.base_label, signoff, wanted)
        commit = commit_tree(repo, tree, parent, message, env)
        moves = _undetected_moves(repo, parent, commit, fixes, project)
        if moves:
            # git would not see these renames (too much of the content changes), so history
            # would stop at the move: the same blobs move first, in a commit of their own.
            move = _move_commit(run, fixer, parent, moves, signoff, env)
            commits.append(move)
            parent = move.sha
            commit = commit_tree(repo, build_tree(repo, parent, changes), parent, message, env)
        parent = commit
        commits.append(BranchCommit(parent, fixer, title))

    if existing is not None and same_content(repo, run.base, existing, parent):
        # Nothing changed: keep the branch (and its shas) rather than make new, equal commits.
        kept = reversed(commits_between(repo, run.base, existing))
        same = tuple(replace(new, sha=old.sha) for old, new in zip(kept, commits, strict=True))
        return BranchResult(name, run.base, same, existing, existed=True, unchanged=True)
    update_branch(
        repo, name, parent, existing, f"fixup: {len(commits)} commit(s) on {run.base[:12]}"
    )
    return BranchResult(
        name, run.base, tuple(commits), parent, existed=existing is not None, unchanged=False
    )


def _undetected_moves(
    repo: GitRepo, parent: str, commit: str, fixes: Sequence[Fix], after: Project
) -> list[tuple[str, str]]:
    """(from, to) toplevel paths of the fixes' renames that git does not detect in ``commit``."""
    moves = [
        (repo.to_toplevel_path(c.renamed_from), repo.to_toplevel_path(c.path))
        for fix in fixes
        for c in fix.changes
        # A file that stays where it was is a copy, not a move.
        if c.renamed_from and c.before is None and c.renamed_from not in after.files
    ]
    if not moves:
        return []
    detected = detected_renames(repo, parent, commit)
    return [move for move in moves if move not in detected]


def _move_commit(
    run: BranchRun,
    fixer: str,
    parent: str,
    moves: Sequence[tuple[str, str]],
    signoff: str | None,
    env: Mapping[str, str],
) -> BranchCommit:
    sources = {source for source, _ in moves}
    blobs = read_blobs(run.repo, parent, lambda path: path in sources)
    changes: dict[str, tuple[str, bytes] | None] = {}
    for source, target in moves:
        changes[target] = blobs[source]
        changes[source] = None
    tree = build_tree(run.repo, parent, changes)
    listing = ", ".join(f"{s} -> {t}" for s, t in moves)
    title = f"refactor({fixer}): move {listing}"
    title = textwrap.shorten(title, 100, placeholder=" …")
    lines = [
        title,
        "",
        *textwrap.wrap(
            f"The file{'s' * (len(moves) != 1)} move{'s' * (len(moves) == 1)} unchanged here so "
            f"that git follows {'their' if len(moves) != 1 else 'its'} history (git log --follow, "
            f"git blame); the next commit makes the {fixer} fix.",
            72,
        ),
        "",
        f"{VERSION_TRAILER}: {__version__}",
        f"{TREE_TRAILER}: {tree}",
        *([signoff] if signoff else []),
    ]
    sha = commit_tree(run.repo, tree, parent, "\n".join(lines) + "\n", env)
    return BranchCommit(sha, fixer, title)


def _group_by_fixer(fixes: Sequence[Fix]) -> list[tuple[str, list[Fix]]]:
    groups: dict[str, list[Fix]] = {}
    for fix in fixes:  # already in pipeline order
        groups.setdefault(fix.fixer, []).append(fix)
    return list(groups.items())


def _tree_changes(
    repo: GitRepo, parent: str, before: Project, after: Project, fixes: Sequence[Fix]
) -> dict[str, tuple[str, bytes] | None]:
    paths = list(dict.fromkeys(c.path for fix in fixes for c in fix.changes))
    renamed_from = {c.path: c.renamed_from for fix in fixes for c in fix.changes if c.renamed_from}
    toplevel = {p: repo.to_toplevel_path(p) for p in [*paths, *renamed_from.values()]}
    modes = tree_modes(repo, parent, list(toplevel.values()))
    changes: dict[str, tuple[str, bytes] | None] = {}
    for path in paths:
        text = after.files.get(path)
        if text == before.files.get(path) and (text is None) == (path not in before.files):
            continue
        if text is None:
            changes[toplevel[path]] = None
            continue
        fmt = after.formats.get(path) or TextFormat()
        # A moved file keeps its mode (an executable stays executable), so git sees a rename.
        source = renamed_from.get(path)
        mode = (
            modes.get(toplevel[path])
            or (modes.get(toplevel[source]) if source else None)
            or "100644"
        )
        changes[toplevel[path]] = (mode, encode(text, fmt))
    return changes


def _identity_env(author: str | None) -> dict[str, str]:
    if author is None:
        return {}
    match = re.fullmatch(r"\s*(.*?)\s*<([^<>\s]+)>\s*", author)
    if match is None or not match.group(1):
        raise ConfigError(f"--author {author!r}: expected 'Name <email>'")
    return {"GIT_AUTHOR_NAME": match.group(1), "GIT_AUTHOR_EMAIL": match.group(2)}


def commit_title(fixer: str, fixes: Sequence[Fix]) -> str:
    """``fix(<fixer>): <summary>``: the fix's title, or how many fixes in how many files."""
    if len(fixes) == 1:
        summary = _lower_first(fixes[0].title)
    else:
        files = {path for fix in fixes for path in fix.paths}
        summary = f"{len(fixes)} fixes in {len(files)} file{'s' * (len(files) != 1)}"
    return textwrap.shorten(f"fix({fixer}): {summary}", 100, placeholder=" …")


def _lower_first(text: str) -> str:
    # "Make imports absolute" -> "make imports absolute"; "SQLAlchemy ..." stays.
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def commit_message(
    fixer: str,
    fixes: Sequence[Fix],
    title: str,
    tree: str,
    base_ref: str,
    signoff: str | None,
    fixes_fingerprint: str | None = None,
) -> str:
    lines = [title, ""]
    lines.append(f"fixup's {fixer} fixer made {len(fixes)} fix{'es' * (len(fixes) != 1)}:")
    for fix in fixes:
        lines.append("")
        lines.append(f"- {fix.title}")
        for paragraph in fix.explanation.strip().splitlines():
            lines.extend(
                textwrap.wrap(
                    " ".join(paragraph.split()), 72, initial_indent="  ", subsequent_indent="  "
                )
                or [""]
            )
        for provenance in fix.provenance:
            lines.extend(_wrap(f"Provenance: {_provenance(provenance)}"))
        lines.extend(_wrap(f"Files: {', '.join(_file_label(fix, p) for p in fix.paths)}"))
    lines += ["", f"Reproduce with `fixup --dry-run` on {base_ref}.", ""]
    lines.append(f"{VERSION_TRAILER}: {__version__}")
    lines.append(f"{TREE_TRAILER}: {tree}")
    if fixes_fingerprint:
        lines.append(f"{FINGERPRINT_TRAILER}: {fixes_fingerprint}")
    if signoff:
        lines.append(signoff)
    return "\n".join(lines) + "\n"


def fingerprint(fixes: Sequence[Fix]) -> str:
    """A stable name for a set of fixes: each fix's fixer, title, files and changed lines.

    Line numbers and context lines are left out, so an unrelated change elsewhere in the base
    (a line added above) keeps the fingerprint; a different repair changes it.
    """
    digest = hashlib.sha256()
    for fix in fixes:
        record: list[object] = [fix.fixer, fix.title]
        for change in fix.changes:
            diff = difflib.unified_diff(
                (change.before or "").splitlines(),
                (change.after or "").splitlines(),
                n=0,
                lineterm="",
            )
            # Past the two file headers: the changed lines, without the hunks' line numbers.
            changed = [line for line in list(diff)[2:] if not line.startswith("@@")]
            record.append([change.path, change.renamed_from, change.action, changed])
        digest.update(json.dumps(record).encode() + b"\n")
    return digest.hexdigest()[:20]


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(
        text, 72, initial_indent="  ", subsequent_indent="    ", break_on_hyphens=False
    ) or [""]


def _provenance(provenance: Provenance) -> str:
    extra = [
        part
        for part in (
            provenance.commit and f"commit {provenance.commit[:12]}",
            provenance.path,
            provenance.date,
        )
        if part
    ]
    return provenance.description + (
        f" ({', '.join(extra)})"
        if extra and not all(e in provenance.description for e in extra)
        else ""
    )


def _file_label(fix: Fix, path: str) -> str:
    for change in fix.changes:
        if change.path == path and change.renamed_from:
            return f"{change.renamed_from} -> {path}"
    return path


# -------------------------------------------------------------------- ownership


def trailers(message: str) -> dict[str, str]:
    """The ``Key: value`` lines of a message's last paragraph."""
    paragraphs = [p for p in message.strip().split("\n\n") if p.strip()]
    found: dict[str, str] = {}
    if paragraphs:
        for line in paragraphs[-1].splitlines():
            key, sep, value = line.partition(": ")
            if sep and re.fullmatch(r"[A-Za-z0-9-]+", key):
                found.setdefault(key, value.strip())
    return found


def is_fixup_commit(commit: CommitInfo) -> bool:
    """Made by fixup and not changed since: its trailers are there and name its own tree."""
    found = trailers(commit.message)
    return (
        len(commit.parents) == 1
        and VERSION_TRAILER in found
        and found.get(TREE_TRAILER) == commit.tree
    )


def foreign_commits(repo: GitRepo, base: str, tip: str) -> list[CommitInfo]:
    """The commits on ``tip`` (not in ``base``) that fixup did not make."""
    return [commit for commit in commits_between(repo, base, tip) if not is_fixup_commit(commit)]


def _describe_foreign(foreign: Sequence[CommitInfo]) -> str:
    first = foreign[0]
    more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
    return f"has commits fixup did not make: {first.sha[:12]} {first.subject!r} by {first.author}{more}"


def same_content(repo: GitRepo, base: str, old_tip: str, new_tip: str) -> bool:
    """True when both tips hold the same commits (trees and messages) on the same base."""
    old = commits_between(repo, base, old_tip)
    new = commits_between(repo, base, new_tip)
    if not old or len(old) != len(new) or old[-1].parents != (base,):
        return False
    return all(a.tree == b.tree and a.message == b.message for a, b in zip(old, new, strict=True))


# -------------------------------------------------------------------- the CLI's entry


@dataclass(frozen=True)
class BranchSink:
    """``--branch``: commit the fixes on a branch; with ``--pr`` also push it and open or
    update the pull request (the ``Sink`` the CLI chooses for them)."""

    run: BranchRun

    def deliver(self, report: Report, err: Console, *, quiet: bool, emit: Emit) -> int:
        if not quiet:
            print_skipped(report, err)
        code = finish(self.run, report, err, quiet=quiet)
        emit(code == EXIT_OK)
        return code


def finish(run: BranchRun, report: Report, err: Console, *, quiet: bool) -> int:
    """Commit (and with ``--pr`` push and open the pull request); return the exit status."""
    say = _sayer(err, quiet)
    if run.dirty:
        say(
            f"note: the working tree has uncommitted changes; they are not included: the fixes are "
            f"computed from the committed state of {run.base_label}."
        )
    try:
        if run.bot is not None:
            return _run_bot(run, run.bot, report, err, quiet)
        result = commit_fixes(run, report, update=run.options.update)
    except GitError as exc:
        err.print(f"fixup: error: {exc}", markup=False, highlight=False)
        return EXIT_REFUSED
    if result is None:
        say(
            f"Nothing to fix on {run.base_label}; branch {run.options.name} not created."
            if branch_commit(run.repo, run.options.name) is None
            else f"Nothing to fix on {run.base_label}; branch {run.options.name} left as it is."
        )
        return EXIT_OK
    _print_result(run, result, say)
    return EXIT_OK


Say = Callable[[str], None]


def _sayer(err: Console, quiet: bool) -> Say:
    def say(message: str) -> None:
        if not quiet:
            err.print(message, markup=False, highlight=False)

    return say


def _print_result(run: BranchRun, result: BranchResult, say: Say) -> None:
    if result.unchanged:
        say(f"Branch {result.branch} is up to date: same fixes on {run.base_label}.")
    else:
        verb = "Rebuilt" if result.existed else "Created"
        count = len(result.commits)
        say(
            f"{verb} branch {result.branch} on {run.base_label} with {count} commit{'s' * (count != 1)}:"
        )
    for commit in result.commits:
        say(f"  {commit.sha[:12]} {commit.title}")
    say(f"Inspect it with: git log -p {run.base[:12]}..{result.branch}")


# -------------------------------------------------------------------- the bot


def _run_bot(run: BranchRun, bot: Bot, report: Report, err: Console, quiet: bool) -> int:
    say = _sayer(err, quiet)
    name, remote = run.options.name, run.options.remote
    client = bot.client
    try:
        repository = client.get_repository()
        pulls = client.pulls_for_branch(name)
    except ForgeError as exc:
        err.print(f"fixup: error: {exc}", markup=False, highlight=False)
        return EXIT_REFUSED
    pr_base = run.base_branch or str(repository.get("default_branch") or "main")
    open_pull = next((p for p in pulls if p.state == "open"), None)

    if not report.fixes:
        say(f"Nothing to fix on {run.base_label}.")
        if open_pull is not None:
            say(f"Pull request #{open_pull.number} is left as it is: {open_pull.html_url}")
        return EXIT_OK
    wanted = fingerprint(report.fixes)
    declined = next(
        (
            p
            for p in pulls
            if p.state == "closed" and not p.merged and pull_fingerprint(p) == wanted
        ),
        None,
    )
    if declined is not None and not run.options.force:
        say(
            f"Pull request #{declined.number} proposed these same fixes (fingerprint {wanted}) and "
            f"was closed without merging: fixup does not propose them again; different fixes open "
            f"a new pull request (pass --force to propose these anyway): {declined.html_url}"
        )
        if open_pull is not None:
            say(f"Pull request #{open_pull.number} is left as it is: {open_pull.html_url}")
        return EXIT_OK

    try:
        remote_tip = remote_branch(run.repo, remote, name, bot.git_env)
        local = branch_commit(run.repo, name)
        theirs: list[CommitInfo] = []
        if remote_tip is not None:
            fetch_commit(run.repo, remote, name, bot.git_env)
            theirs = foreign_commits(run.repo, run.base, remote_tip)
            if theirs and not run.options.take_back:
                say(
                    f"{name} on {remote} {_describe_foreign(theirs)}: a person has pushed to it, "
                    "so fixup leaves it and its pull request alone (pass --take-back to hand it "
                    "back to fixup; their commits would be dropped)."
                )
                return EXIT_OK
        if local is not None and local != remote_tip:
            seen = {c.sha for c in theirs}
            mine = [c for c in foreign_commits(run.repo, run.base, local) if c.sha not in seen]
            if mine and not run.options.take_back:
                raise RefusedError(
                    f"the local branch {name} {_describe_foreign(mine)}; fixup does not replace "
                    "it (pass --take-back to drop those commits)"
                )
            theirs += mine
        if theirs:
            _say_dropped(name, theirs, say)
            result = commit_fixes(run, report, update=True, take_back=True)
        else:
            result = _unchanged_branch(run, remote_tip, report.fixes, wanted)
            if remote_tip is not None:
                _start_from(run, remote_tip)
            if result is None:
                result = commit_fixes(run, report, update=True)
    except RefusedError as exc:
        err.print(f"fixup: refused: {exc}", markup=False, highlight=False)
        return EXIT_REFUSED
    assert result is not None
    if result.tip == remote_tip and result.base != run.base:
        say(
            f"{name} on {remote} already holds these fixes on {result.base[:12]}, and the files "
            f"they change are the same in {run.base_label}: nothing pushed."
        )
    else:
        _print_result(run, result, say)

    pushed = result.tip != remote_tip
    if pushed:
        push_branch(run.repo, remote, result.tip, name, remote_tip, bot.git_env)
        say(f"Pushed {name} ({result.tip[:12]}) to {remote}.")
    elif result.base == run.base:
        say(f"{name} on {remote} already holds these commits; nothing pushed.")

    title, body = pull_request_text(report, replace(run, base=result.base), result)
    try:
        if not pushed and open_pull is not None and pull_fingerprint(open_pull) == wanted:
            # Same fixes on the same branch: the description stays as it is.
            say(f"Pull request #{open_pull.number} is up to date: {open_pull.html_url}")
            pull = open_pull
        else:
            pull = _open_or_update(client, open_pull, title, body, name, pr_base, say)
        labels = [label for label in run.options.labels if label not in pull.labels]
        if labels:
            client.ensure_labels(labels, "Fixes proposed by fixup")
            client.add_labels(pull.number, labels)
    except ForgeError as exc:
        err.print(f"fixup: error: {exc}", markup=False, highlight=False)
        err.print(
            f"The branch {name} was pushed to {remote} ({result.tip[:12]}), so nothing is lost: "
            f"open the pull request by hand at {bot.remote.web_url}/compare/{pr_base}...{name}",
            markup=False,
            highlight=False,
        )
        return EXIT_REFUSED
    return EXIT_OK


def pull_fingerprint(pull: PullRequest) -> str | None:
    """The fingerprint of the fixes a pull request proposed (None: made before fingerprints)."""
    match = FINGERPRINT_MARKER.search(pull.body)
    return match.group(1) if match else None


def _say_dropped(name: str, commits: Sequence[CommitInfo], say: Say) -> None:
    count = len(commits)
    say(
        f"--take-back: fixup rebuilds {name} and drops {count} commit{'s' * (count != 1)} it did "
        "not make:"
    )
    for commit in commits:
        say(f"  {commit.sha[:12]} {commit.subject!r} by {commit.author}")


def _unchanged_branch(
    run: BranchRun, tip: str | None, fixes: Sequence[Fix], wanted: str
) -> BranchResult | None:
    """The branch at ``tip`` as it is, when it holds these fixes (by fingerprint) and every file
    they change is the same in its base as in the run's base; None when it must be rebuilt."""
    if tip is None:
        return None
    commits = commits_between(run.repo, run.base, tip)  # newest first, all fixup's
    if not commits or trailers(commits[0].message).get(FINGERPRINT_TRAILER) != wanted:
        return None
    old_base = commits[-1].parents[0]
    paths = sorted(
        {
            run.repo.to_toplevel_path(path)
            for fix in fixes
            for change in fix.changes
            for path in (change.path, change.renamed_from)
            if path is not None
        }
    )
    if old_base != run.base and blob_ids(run.repo, old_base, paths) != blob_ids(
        run.repo, run.base, paths
    ):
        return None
    kept = tuple(BranchCommit(c.sha, _fixer_of(c.subject), c.subject) for c in reversed(commits))
    return BranchResult(run.options.name, old_base, kept, tip, existed=True, unchanged=True)


def _fixer_of(subject: str) -> str:
    match = re.match(r"\w+\(([^)]*)\):", subject)
    return match.group(1) if match else ""


def _start_from(run: BranchRun, remote_tip: str) -> None:
    """Point the local branch at the remote's, so that unchanged fixes keep its commits
    (the caller has checked that neither holds commits fixup did not make)."""
    local = branch_commit(run.repo, run.options.name)
    if local == remote_tip:
        return
    update_branch(
        run.repo, run.options.name, remote_tip, local, f"fixup: start from {run.options.remote}"
    )


def _open_or_update(
    client: GitHub,
    open_pull: PullRequest | None,
    title: str,
    body: str,
    name: str,
    base: str,
    say: Say,
) -> PullRequest:
    if open_pull is None:
        try:
            pull = client.create_pull(title=title, body=body, head=name, base=base)
        except ForgeError as exc:
            if exc.status != 422 or not any("already exists" in e for e in exc.errors):
                raise
            # Opened by a concurrent run since we looked: edit that one instead.
            open_pull = next((p for p in client.pulls_for_branch(name, "open")), None)
            if open_pull is None:
                raise
        else:
            say(f"Opened pull request #{pull.number}: {pull.html_url}")
            return pull
    if open_pull.title == title and open_pull.body == body:
        say(f"Pull request #{open_pull.number} is up to date: {open_pull.html_url}")
        return open_pull
    pull = client.update_pull(open_pull.number, title=title, body=body)
    say(f"Updated pull request #{pull.number}: {pull.html_url}")
    return pull


# -------------------------------------------------------------------- the pull request's text


def pull_request_text(report: Report, run: BranchRun, result: BranchResult) -> tuple[str, str]:
    """The pull request's title and Markdown body, generated from the fixes."""
    fixers = list(dict.fromkeys(fix.fixer for fix in report.fixes))
    count = len(report.fixes)
    if len(fixers) == 1:
        title = result.commits[0].title
    else:
        title = f"fix: {count} fixes by fixup ({', '.join(fixers)})"
    base_name = run.base_branch or run.base_ref
    head = [
        # Hidden in the rendered description; names the fixes if the pull request is declined.
        f"<!-- fixup-fingerprint: {fingerprint(report.fixes)} -->",
        f"fixup found {count} problem{'s' * (count != 1)} in `{base_name}` and repaired "
        f"{'it' if count == 1 else 'them'}, one commit per fixer. Each fix says why it is needed "
        "and where its code comes from.",
        "",
        "| Fixer | Files | What |",
        "| --- | --- | --- |",
    ]
    for fix in report.fixes:
        files = ", ".join(f"`{_cell(p)}`" for p in fix.paths)
        head.append(f"| `{fix.fixer}` | {files} | {_cell(fix.title)} |")
    sections = []
    diffs = []
    for fix in report.fixes:
        section = [f"### `{fix.fixer}`: {fix.title}", "", fix.explanation.strip(), ""]
        for provenance in fix.provenance:
            section += [f"Provenance: {_provenance(provenance)}", ""]
        sections.append("\n".join(section))
        # A fix that moves code (split-models) reads best, and fits GitHub's limit, folded.
        folded = folded_diff(fix, report.before)
        diff = folded if folded is not None else fix_diff(fix, report.before)
        fence = "```" + "`" * max((len(m) for m in re.findall(r"`{3,}", diff)), default=0)
        moved = " (code moved verbatim is folded)" if folded is not None else ""
        summary = f"Diff{moved}: {', '.join(_file_label(fix, p) for p in fix.paths)}"
        diffs.append(
            f"<details><summary>{_html(summary)}</summary>\n\n{fence}diff\n{diff}{fence}\n\n</details>\n"
        )
    tail = [
        *([run.verification.strip(), ""] if run.verification else []),
        "## Reproduce locally",
        "",
        "```sh",
        f"git switch --detach {run.base[:12]}",
        "fixup --dry-run",
        "```",
        "",
        "---",
        f"<sub>Made by fixup {__version__} from `{base_name}` at {run.base[:12]}. Re-runs update this "
        "branch and this pull request when the fixes change. Close it without merging and fixup "
        "will not propose these fixes again (different fixes open a new pull request); push a "
        "commit to the branch and fixup stops touching it until `fixup --pr --take-back`.</sub>",
    ]
    fixed = "\n".join(head) + "\n\n## The fixes\n\n"
    end = "\n" + "\n".join(tail) + "\n"
    # Diffs are dropped from the end first when the body would be too long for GitHub.
    kept = len(diffs)
    while kept >= 0:
        parts = [
            s
            + "\n"
            + (d if i < kept else "_The diff is too long for this description; see the commits._\n")
            for i, (s, d) in enumerate(zip(sections, diffs, strict=True))
        ]
        body = fixed + "\n".join(parts) + end
        if len(body) <= BODY_LIMIT or kept == 0:
            break
        kept -= 1
    return title, body[:BODY_LIMIT]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -------------------------------------------------------------------- options


@dataclass(frozen=True)
class BranchFlags:
    """The command line's branch and bot flags, before ``[tool.fixup]`` fills in the rest."""

    branch: str | None = None
    base: str | None = None
    update: bool = False
    author: str | None = None
    signoff: bool = False
    pr: bool = False
    remote: str | None = None
    force: bool = False
    labels: tuple[str, ...] = ()
    api_url: str | None = None
    take_back: bool = False

    @property
    def wanted(self) -> bool:
        return self.branch is not None or self.pr

    def resolve(self, config: Config) -> BranchOptions | None:
        """The options for this run, or None when neither --branch nor --pr was given."""
        if not self.wanted:
            companions = {
                "--base": self.base,
                "--update": self.update,
                "--author": self.author,
                "--signoff": self.signoff,
                "--remote": self.remote,
                "--force": self.force,
                "--label": self.labels,
                "--api-url": self.api_url,
                "--take-back": self.take_back,
            }
            given = [flag for flag, value in companions.items() if value]
            if given:
                raise ConfigError(f"{given[0]} needs --branch NAME or --pr")
            return None
        if not self.pr:
            given = [
                flag
                for flag, value in {
                    "--remote": self.remote,
                    "--force": self.force,
                    "--label": self.labels,
                    "--api-url": self.api_url,
                    "--take-back": self.take_back,
                }.items()
                if value
            ]
            if given:
                raise ConfigError(f"{given[0]} needs --pr")
        elif config.api_url is not None:
            # A pull request that edits pyproject.toml must not be able to redirect the token.
            where = f"{config.source}: " if config.source else ""
            raise ConfigError(
                f"{where}[tool.fixup] api-url is not read: the GitHub token goes only where you "
                "send it, with --api-url or GITHUB_API_URL; remove the key from the repository's "
                "configuration"
            )
        env_api_url = os.environ.get("GITHUB_API_URL") or None
        return BranchOptions(
            name=self.branch or config.branch or DEFAULT_BRANCH,
            base=self.base,
            update=self.update,
            author=self.author,
            signoff=self.signoff,
            pr=self.pr,
            remote=self.remote or "origin",
            force=self.force,
            labels=self.labels
            or (DEFAULT_LABELS if config.labels is None else config.labels),  # [] = none
            api_url=self.api_url or env_api_url,
            api_url_source="--api-url" if self.api_url else "GITHUB_API_URL",
            take_back=self.take_back,
        )

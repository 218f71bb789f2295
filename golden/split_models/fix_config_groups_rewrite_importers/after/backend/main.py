"""The API (routes elided): the imports the rewrite has to keep working."""

from models.auth import ClaudeAuthProfile
from models.base import utc_now
from models.git import GitBranchesResponse
from models.orchestration import OrchestrationResult
from routers import ssh


def started() -> OrchestrationResult:
    return OrchestrationResult(pattern="sequential", result={"at": utc_now().isoformat()})


def branches(names: list[str]) -> GitBranchesResponse:
    return GitBranchesResponse(branches=names)


def profile(email: str) -> ClaudeAuthProfile:
    return ClaudeAuthProfile(id="p1", profile_name="default", user_email=email)


assert ssh.list_keys().keys == []

"""FastAPI entry point of the workflow manager backend."""

from fastapi import FastAPI

from models import (
    AvailableModelsResponse,
    ClaudeAuthProfile,
    ClaudeAuthProfileListResponse,
    GitValidationRequest,
    GitValidationResponse,
    InstanceListResponse,
    LogAnalytics,
    PromptListResponse,
    SSHKeyListResponse,
    SequentialPipelineRequest,
    Workflow,
)

app = FastAPI(title="Claude Workflow Manager")


@app.get("/api/workflows/{workflow_id}", response_model=Workflow)
async def get_workflow(workflow_id: str) -> Workflow:
    return Workflow(id=workflow_id, name="demo", git_repo="git@example.com:demo.git")


@app.get("/api/prompts", response_model=PromptListResponse)
async def list_prompts() -> PromptListResponse:
    return PromptListResponse(prompts=[], total=0)


@app.get("/api/instances", response_model=InstanceListResponse)
async def list_instances() -> InstanceListResponse:
    return InstanceListResponse(instances=[], total=0)


@app.get("/api/instances/{instance_id}/analytics", response_model=LogAnalytics)
async def analytics(instance_id: str) -> LogAnalytics:
    return LogAnalytics(instance_id=instance_id, total_interactions=0, total_tokens=0, error_count=0, subagents_used=[], interaction_timeline=[], success_rate=1.0)


@app.post("/api/git/validate", response_model=GitValidationResponse)
async def validate_git(request: GitValidationRequest) -> GitValidationResponse:
    return GitValidationResponse(accessible=True, message=request.git_repo)


@app.get("/api/ssh/keys", response_model=SSHKeyListResponse)
async def ssh_keys() -> SSHKeyListResponse:
    return SSHKeyListResponse(keys=[])


@app.get("/api/claude-auth/profiles", response_model=ClaudeAuthProfileListResponse)
async def profiles() -> ClaudeAuthProfileListResponse:
    return ClaudeAuthProfileListResponse(profiles=[])


@app.get("/api/settings/available-models", response_model=AvailableModelsResponse)
async def available_models() -> AvailableModelsResponse:
    return AvailableModelsResponse(models=[])


@app.post("/api/orchestration/sequential")
async def sequential(request: SequentialPipelineRequest) -> dict[str, int]:
    return {"agents": len(request.agents)}


def profile_names(profiles: list[ClaudeAuthProfile]) -> list[str]:
    return [p.profile_name for p in profiles]

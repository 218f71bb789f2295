"""FastAPI entry point of the Claude Workflow Manager backend."""
from fastapi import FastAPI

from models import (
    AvailableModelsResponse,
    ClaudeAuthProfileListResponse,
    ClaudeLoginSessionRequest,
    ClaudeLoginSessionResponse,
    ClaudeProfileSelectionRequest,
    GitBranchesResponse,
    GitValidationRequest,
    GitValidationResponse,
    InstanceListResponse,
    InterruptInstanceRequest,
    LogAnalytics,
    LogListResponse,
    ModelInfo,
    ModelSettingsRequest,
    OrchestrationAgent,
    OrchestrationResult,
    PromptListResponse,
    SequentialPipelineRequest,
    SpecificationDesign,
    SpecificationListResponse,
    SSHKeyGenerationRequest,
    SSHKeyListResponse,
    Workflow,
)

app = FastAPI(title="Claude Workflow Manager")


@app.get("/api/prompts", response_model=PromptListResponse)
async def list_prompts() -> PromptListResponse:
    return PromptListResponse(prompts=[], total=0)


@app.get("/api/instances", response_model=InstanceListResponse)
async def list_instances() -> InstanceListResponse:
    return InstanceListResponse(instances=[], total=0)


@app.get("/api/models", response_model=AvailableModelsResponse)
async def available_models() -> AvailableModelsResponse:
    default = ModelInfo(model_id="claude-sonnet", display_name="Claude Sonnet", context_window=200000)
    return AvailableModelsResponse(models=[default], default_model_id=default.model_id)


@app.get("/api/ssh-keys", response_model=SSHKeyListResponse)
async def list_ssh_keys() -> SSHKeyListResponse:
    return SSHKeyListResponse(keys=[])


@app.get("/api/claude-auth/profiles", response_model=ClaudeAuthProfileListResponse)
async def list_profiles() -> ClaudeAuthProfileListResponse:
    return ClaudeAuthProfileListResponse(profiles=[])


@app.get("/api/specifications", response_model=SpecificationListResponse)
async def list_specifications() -> SpecificationListResponse:
    return SpecificationListResponse(specifications=[], total=0)

"""Pydantic models of the workflow manager (the part seed 000 planned to split first)."""

from models.auth import (
    ClaudeAuthProfile,
    ClaudeLoginSessionRequest,
    ClaudeProfileSelection,
    SSHKeyInfo,
    SSHKeyListResponse,
)
from models.base import utc_now
from models.git import GitBranchesResponse, GitValidationRequest
from models.model import AvailableModelsResponse, ModelInfo, ModelSettingsRequest
from models.orchestration import (
    AgentRole,
    DynamicRoutingRequest,
    OrchestrationAgent,
    OrchestrationResult,
    SequentialPipelineRequest,
)

__all__ = [
    "utc_now",
    "AgentRole",
    "ClaudeAuthProfile",
    "ClaudeLoginSessionRequest",
    "ClaudeProfileSelection",
    "SSHKeyInfo",
    "SSHKeyListResponse",
    "GitValidationRequest",
    "GitBranchesResponse",
    "ModelInfo",
    "AvailableModelsResponse",
    "ModelSettingsRequest",
    "OrchestrationAgent",
    "SequentialPipelineRequest",
    "DynamicRoutingRequest",
    "OrchestrationResult",
]

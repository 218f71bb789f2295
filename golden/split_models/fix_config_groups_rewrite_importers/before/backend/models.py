"""Pydantic models of the workflow manager (the part seed 000 planned to split first)."""

from datetime import datetime, timezone
from enum import Enum
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Field


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class AgentRole(str, Enum):
    ROUTER = "router"
    WORKER = "worker"


class ClaudeAuthProfile(BaseModel):
    """Claude authentication profile (full model for database storage)"""
    id: str
    profile_name: str
    user_email: str
    created_at: datetime = Field(default_factory=utc_now)
    last_used_at: Optional[datetime] = None


class ClaudeLoginSessionRequest(BaseModel):
    profile_name: str
    user_email: str


class ClaudeProfileSelection(BaseModel):
    selected_profile_id: str
    selected_at: datetime = Field(default_factory=utc_now)


class SSHKeyInfo(BaseModel):
    fingerprint: str
    key_name: str
    public_key: str


class SSHKeyListResponse(BaseModel):
    keys: List[SSHKeyInfo]


class GitValidationRequest(BaseModel):
    git_repo: str


class GitBranchesResponse(BaseModel):
    branches: List[str]
    default_branch: Optional[str] = None


class ModelInfo(BaseModel):
    model_config = {"protected_namespaces": ()}
    id: str
    context_window: int


class AvailableModelsResponse(BaseModel):
    models: List[ModelInfo]
    default_model_id: str


class ModelSettingsRequest(BaseModel):
    model_id: str


class OrchestrationAgent(BaseModel):
    name: str
    system_prompt: str
    role: AgentRole = AgentRole.WORKER


class SequentialPipelineRequest(BaseModel):
    task: str
    agents: List[OrchestrationAgent]


class DynamicRoutingRequest(BaseModel):
    task: str
    router: OrchestrationAgent
    specialists: List[OrchestrationAgent]


class OrchestrationResult(BaseModel):
    pattern: str
    result: Dict[str, Any]
    finished_at: datetime = Field(default_factory=utc_now)

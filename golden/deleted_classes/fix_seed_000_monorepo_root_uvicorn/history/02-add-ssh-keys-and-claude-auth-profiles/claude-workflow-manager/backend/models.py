"""Pydantic models for the Claude Workflow Manager API."""
import uuid
from datetime import datetime
from enum import Enum
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Field


class InstanceStatus(str, Enum):
    RUNNING = "running"
    STOPPED = "stopped"
    ERROR = "error"


class Workflow(BaseModel):
    id: Optional[str] = None
    name: str
    git_repo: str
    branch: str = "main"
    created_at: Optional[datetime] = None


class Prompt(BaseModel):
    id: Optional[str] = None
    name: str
    content: str
    tags: List[str] = []


class PromptListResponse(BaseModel):
    """Response model for listing prompts"""
    prompts: List[Prompt]
    total: int


class ClaudeInstance(BaseModel):
    id: str
    workflow_id: str
    status: InstanceStatus = InstanceStatus.RUNNING


class InstanceListResponse(BaseModel):
    """Response model for listing instances"""
    instances: List[ClaudeInstance]
    total: int


class InterruptInstanceRequest(BaseModel):
    """Request to interrupt an instance"""
    instance_id: str
    feedback: Optional[str] = None


class TokenUsage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    total_tokens: int = 0


class InstanceLog(BaseModel):
    instance_id: str
    timestamp: datetime
    content: str
    token_usage: Optional[TokenUsage] = None


class LogListResponse(BaseModel):
    """Response model for listing logs"""
    logs: List[InstanceLog]
    total: int


class LogAnalytics(BaseModel):
    """Analytics data for instance logs"""
    instance_id: str
    total_interactions: int
    total_tokens: int
    token_breakdown: Optional['TokenUsage'] = None
    total_cost_usd: Optional[float] = None
    total_execution_time_ms: int
    error_count: int
    subagents_used: List[str]
    interaction_timeline: List[Dict[str, Any]]
    average_response_time_ms: float
    success_rate: float


# --- Git repositories -------------------------------------------------------

class GitValidationRequest(BaseModel):
    """Request to validate a Git repository"""
    git_repo: str


class GitValidationResponse(BaseModel):
    """Response from Git validation"""
    accessible: bool
    message: str
    default_branch: Optional[str] = None


class GitBranchesResponse(BaseModel):
    """Response with Git branches"""
    branches: List[str]


# --- SSH keys ----------------------------------------------------------------

class SSHKeyGenerationRequest(BaseModel):
    """Request to generate SSH key"""
    key_name: str
    key_type: str = "ed25519"


class SSHKeyInfo(BaseModel):
    """SSH key information"""
    fingerprint: str
    public_key: str
    key_name: str
    created_at: datetime


class SSHKeyListResponse(BaseModel):
    """Response with list of SSH keys"""
    keys: List[SSHKeyInfo]


# --- Claude authentication ---------------------------------------------------

class ClaudeAuthProfile(BaseModel):
    """Claude authentication profile (full model for database storage)"""
    id: str
    user_id: str
    profile_name: str
    user_email: str
    credentials_json: str
    created_at: datetime
    updated_at: datetime
    last_used_at: Optional[datetime] = None
    auth_method: str  # "max-plan" or "terminal-oauth"


class ClaudeAuthProfileListResponse(BaseModel):
    """List of Claude auth profiles"""
    profiles: List[ClaudeAuthProfile]


class ClaudeLoginSessionRequest(BaseModel):
    """Request to create login session"""
    profile_name: str


class ClaudeLoginSessionResponse(BaseModel):
    """Response with login session details"""
    session_id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    login_url: str


class ClaudeProfileSelectionRequest(BaseModel):
    """Request to select a profile"""
    profile_id: str


# --- LLM models ----------------------------------------------------------------

class ModelInfo(BaseModel):
    """Information about an LLM model"""
    model_id: str
    display_name: str
    context_window: int


class AvailableModelsResponse(BaseModel):
    """Response with available models"""
    models: List[ModelInfo]
    default_model_id: str


class ModelSettingsRequest(BaseModel):
    """Request to update model settings"""
    model_id: str
    temperature: float = Field(0.7, ge=0, le=1)


# --- Orchestration ---------------------------------------------------------------

class OrchestrationAgent(BaseModel):
    """Agent definition for orchestration"""
    name: str
    system_prompt: str
    role: str = "worker"


class SequentialPipelineRequest(BaseModel):
    """Request for sequential pipeline"""
    task: str
    agents: List[OrchestrationAgent]


class OrchestrationResult(BaseModel):
    """Result of orchestration execution"""
    pattern: str
    result: str
    duration_ms: int


class OrchestrationDesign(BaseModel):
    id: Optional[str] = None
    name: str
    description: str = ""
    blocks: List[Dict[str, Any]] = []

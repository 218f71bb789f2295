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


class LegacyExecutionPlan(BaseModel):
    """Replaced by orchestration; nothing uses it any more."""
    steps: List[str]


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

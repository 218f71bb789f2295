"""Pydantic models of the Claude Workflow Manager API."""

from datetime import datetime, timezone
from enum import Enum
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Field

NAME_MAX_LENGTH = 200
DEFAULT_MODEL = "claude-sonnet-4-20250514"


def utc_now() -> datetime:
    """Timestamps are stored in UTC."""
    return datetime.now(timezone.utc)


class InstanceStatus(str, Enum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    FAILED = "failed"


class LogType(str, Enum):
    INPUT = "input"
    OUTPUT = "output"
    ERROR = "error"
    STATUS = "status"
    TOOL_USE = "tool_use"


class AgentRole(str, Enum):
    ROUTER = "router"
    WORKER = "worker"
    REVIEWER = "reviewer"


# ---- workflow ----------------------------------------------------


class Workflow(BaseModel):
    """A workflow: a git repository and the prompts run against it"""
    id: str
    name: str
    git_repo: str
    branch: str = "main"
    status: InstanceStatus = InstanceStatus.READY
    created_at: datetime = Field(default_factory=utc_now)


class WorkflowCreate(BaseModel):
    """Request to create a workflow"""
    name: str = Field(..., max_length=NAME_MAX_LENGTH)
    git_repo: str
    branch: Optional[str] = None


class WorkflowUpdate(BaseModel):
    """Request to update a workflow"""
    name: Optional[str] = None
    branch: Optional[str] = None


class WorkflowListResponse(BaseModel):
    """Response model for listing workflows"""
    workflows: List[Workflow]
    total: int


# ---- prompt ------------------------------------------------------


class Prompt(BaseModel):
    """A reusable prompt with its steps"""
    id: str
    name: str
    content: str
    tags: List[str] = []
    created_at: datetime = Field(default_factory=utc_now)


class PromptCreate(BaseModel):
    """Request to create a prompt"""
    name: str = Field(..., max_length=NAME_MAX_LENGTH)
    content: str
    tags: List[str] = []


class PromptUpdate(BaseModel):
    """Request to update a prompt"""
    name: Optional[str] = None
    content: Optional[str] = None


class PromptListResponse(BaseModel):
    """Response model for listing prompts"""
    prompts: List[Prompt]
    total: int


class SyncToRepoRequest(BaseModel):
    """Request to sync prompts to the repository"""
    workflow_id: str
    prompt_ids: List[str]
    commit_message: Optional[str] = None


class ImportRepoPromptsRequest(BaseModel):
    """Request to import prompts from the repository"""
    workflow_id: str
    path: str = ".claude/prompts"


# ---- instance ----------------------------------------------------


class Instance(BaseModel):
    """A running Claude Code instance"""
    id: str
    workflow_id: str
    status: InstanceStatus = InstanceStatus.READY
    model: str = DEFAULT_MODEL
    created_at: datetime = Field(default_factory=utc_now)
    completed_at: Optional[datetime] = None


class InstanceCreate(BaseModel):
    """Request to spawn an instance"""
    workflow_id: str
    prompt_id: Optional[str] = None
    model: Optional[str] = None


class InstanceListResponse(BaseModel):
    """Response model for listing instances"""
    instances: List[Instance]
    total: int


class InterruptInstanceRequest(BaseModel):
    """Request to interrupt an instance"""
    instance_id: str
    feedback: Optional[str] = None
    force: bool = False


# ---- subagent ----------------------------------------------------


class Subagent(BaseModel):
    """A subagent definition stored in .claude/agents"""
    id: str
    name: str
    description: str
    system_prompt: str
    capabilities: List[str] = []


class SubagentCreate(BaseModel):
    """Request to create a subagent"""
    name: str
    description: str
    system_prompt: str


class SubagentListResponse(BaseModel):
    """Response model for listing subagents"""
    subagents: List[Subagent]
    total: int


class DetectSubagentsRequest(BaseModel):
    """Request to detect subagents mentioned in a prompt"""
    prompt_content: str
    workflow_id: Optional[str] = None


class AgentFormatExamplesResponse(BaseModel):
    """Response with agent format examples"""
    examples: Dict[str, str]
    subagent: Optional[Subagent] = None


# ---- log ---------------------------------------------------------


class InstanceLog(BaseModel):
    """One interaction logged for an instance"""
    id: str
    instance_id: str
    type: LogType
    content: str
    tokens_used: Optional[int] = None
    timestamp: datetime = Field(default_factory=utc_now)


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
    error_count: int
    subagents_used: List[str]
    interaction_timeline: List[Dict[str, Any]]
    success_rate: float


class LogFilter(BaseModel):
    """Filter for querying logs"""
    instance_id: Optional[str] = None
    log_type: Optional[LogType] = None
    since: Optional[datetime] = None


class TokenUsage(BaseModel):
    """Token counts of one instance"""
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    total_tokens: int = 0


# ---- git ---------------------------------------------------------


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
    default_branch: Optional[str] = None


class GitConnectionTestRequest(BaseModel):
    """Request to test a Git connection"""
    git_repo: str
    use_ssh_agent: bool = True
    key_id: Optional[str] = None


# ---- ssh ---------------------------------------------------------


class SSHKeyGenerationRequest(BaseModel):
    """Request to generate an SSH key"""
    key_name: str
    key_type: str = "ed25519"
    email: Optional[str] = None


class SSHKeyInfo(BaseModel):
    """SSH key information"""
    fingerprint: str
    key_name: str
    public_key: str
    created_at: datetime
    last_used: Optional[datetime] = None


class SSHKeyListResponse(BaseModel):
    """Response with a list of SSH keys"""
    keys: List[SSHKeyInfo]


class SSHKeyResponse(BaseModel):
    """Response after generating an SSH key"""
    public_key: str
    key_path: str
    fingerprint: str
    instructions: str


# ---- claude ------------------------------------------------------


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
    """Request to create a login session"""
    profile_name: str
    user_email: str


class ClaudeLoginSessionResponse(BaseModel):
    """Response with login session details"""
    session_id: str
    login_url: str
    expires_at: datetime


class ClaudeAuthTokenRequest(BaseModel):
    """Request carrying an auth token"""
    session_id: str
    auth_token: str


class ClaudeProfileSelection(BaseModel):
    """The selected Claude profile"""
    selected_profile_id: str
    selected_at: datetime
    selected_by: str


class ClaudeProfileSelectionRequest(BaseModel):
    """Request to select a profile"""
    profile_id: str


class ClaudeProfileSelectionResponse(BaseModel):
    """Response after profile selection"""
    success: bool
    selection: Optional[ClaudeProfileSelection] = None


# ---- model -------------------------------------------------------


class ModelInfo(BaseModel):
    """Information about an LLM model"""
    model_config = {'protected_namespaces': ()}  # Suppress Pydantic warning
    id: str
    name: str
    description: str
    context_window: int
    is_default: bool = False


class AvailableModelsResponse(BaseModel):
    """Response with available models"""
    models: List[ModelInfo]
    default_model_id: str = DEFAULT_MODEL


class ModelSettingsRequest(BaseModel):
    """Request to update model settings"""
    model_id: str


class ModelSettingsResponse(BaseModel):
    """Response after updating model settings"""
    success: bool
    model_id: str
    message: str


# ---- orchestration -----------------------------------------------


class OrchestrationAgent(BaseModel):
    """Agent definition for orchestration"""
    name: str
    system_prompt: str
    role: AgentRole = AgentRole.WORKER


class SequentialPipelineRequest(BaseModel):
    """Request for a sequential pipeline"""
    task: str
    agents: List[OrchestrationAgent]
    agent_sequence: List[str]
    model: Optional[str] = None


class DynamicRoutingRequest(BaseModel):
    """Request for dynamic routing"""
    task: str
    router: OrchestrationAgent
    specialists: List[OrchestrationAgent]


class OrchestrationResult(BaseModel):
    """Result of an orchestration execution"""
    pattern: str
    execution_id: str
    status: str
    result: Dict[str, Any]
    duration_ms: int


class OrchestrationDesign(BaseModel):
    """An orchestration design: blocks and their connections"""
    id: Optional[str] = None
    name: str
    description: str
    blocks: List[Dict[str, Any]]
    connections: List[Dict[str, Any]]
    git_repos: List[Dict[str, Any]] = []
    versions: List['OrchestrationDesignVersion'] = []


class OrchestrationDesignVersion(BaseModel):
    """Version snapshot of an orchestration design"""
    version: int
    name: str
    description: str
    blocks: List[Dict[str, Any]]
    connections: List[Dict[str, Any]]
    git_repos: List[Dict[str, Any]] = []
    saved_at: datetime
    saved_by: Optional[str] = None


# ---- spec --------------------------------------------------------


class SpecDocument(BaseModel):
    """A specification written with the Spec Designer"""
    id: str
    title: str
    sections: List['SpecSection'] = []
    created_at: datetime = Field(default_factory=utc_now)


class SpecSection(BaseModel):
    """One section of a specification"""
    heading: str
    body: str
    order: int = 0


class SpecGenerateRequest(BaseModel):
    """Request to draft a specification from a prompt"""
    prompt: str
    workflow_id: Optional[str] = None
    model: str = DEFAULT_MODEL


class SpecReviewResponse(BaseModel):
    """Review comments on a specification"""
    spec_id: str
    comments: List[str]
    approved: bool = False


# ---- user --------------------------------------------------------


class User(BaseModel):
    """A user of the workflow manager"""
    id: str
    username: str
    email: str
    full_name: Optional[str] = None
    is_active: bool = True
    created_at: datetime = Field(default_factory=utc_now)


class UserCreate(BaseModel):
    """Request to register a user"""
    username: str = Field(..., max_length=NAME_MAX_LENGTH)
    email: str
    password: str


class UserLogin(BaseModel):
    """Request to log in"""
    username: str
    password: str


class UserResponse(BaseModel):
    """A user as the API returns it"""
    user: User
    access_token: Optional[str] = None


# ---- terminal ----------------------------------------------------


class TerminalSession(BaseModel):
    """An interactive terminal attached to an instance"""
    session_id: str
    instance_id: str
    cols: int = 120
    rows: int = 40
    opened_at: datetime = Field(default_factory=utc_now)


class TerminalCommandRequest(BaseModel):
    """A command typed into a terminal"""
    session_id: str
    command: str


class TerminalOutput(BaseModel):
    """Output read from a terminal"""
    session_id: str
    data: str
    closed: bool = False


# ---- deployment --------------------------------------------------


class Deployment(BaseModel):
    """A deployment of the backend to a host"""
    id: str
    host: str
    commit: str
    status: InstanceStatus = InstanceStatus.READY
    started_at: datetime = Field(default_factory=utc_now)


class DeploymentCreate(BaseModel):
    """Request to deploy a commit"""
    host: str
    commit: str


class DeploymentStatusResponse(BaseModel):
    """Health of a deployment"""
    deployment: Deployment
    healthy: bool
    checks: int = 0

"""Pydantic models of the Claude Workflow Manager API."""

from models.base import DEFAULT_MODEL, NAME_MAX_LENGTH, InstanceStatus, LogType, utc_now
from models.claude import (
    ClaudeAuthProfile,
    ClaudeAuthProfileListResponse,
    ClaudeAuthTokenRequest,
    ClaudeLoginSessionRequest,
    ClaudeLoginSessionResponse,
    ClaudeProfileSelection,
    ClaudeProfileSelectionRequest,
    ClaudeProfileSelectionResponse,
)
from models.deployment import Deployment, DeploymentCreate, DeploymentStatusResponse
from models.git import (
    GitBranchesResponse,
    GitConnectionTestRequest,
    GitValidationRequest,
    GitValidationResponse,
)
from models.instance import (
    Instance,
    InstanceCreate,
    InstanceListResponse,
    InstanceLog,
    InterruptInstanceRequest,
)
from models.log import LogAnalytics, LogFilter, LogListResponse, TokenUsage
from models.model import (
    AvailableModelsResponse,
    ModelInfo,
    ModelSettingsRequest,
    ModelSettingsResponse,
)
from models.orchestration import (
    AgentRole,
    DynamicRoutingRequest,
    OrchestrationAgent,
    OrchestrationDesign,
    OrchestrationDesignVersion,
    OrchestrationResult,
    SequentialPipelineRequest,
)
from models.prompt import (
    ImportRepoPromptsRequest,
    Prompt,
    PromptCreate,
    PromptListResponse,
    PromptUpdate,
    SyncToRepoRequest,
)
from models.spec import (
    SpecDocument,
    SpecGenerateRequest,
    SpecReviewResponse,
    SpecSection,
)
from models.ssh_key import (
    SSHKeyGenerationRequest,
    SSHKeyInfo,
    SSHKeyListResponse,
    SSHKeyResponse,
)
from models.subagent import (
    AgentFormatExamplesResponse,
    DetectSubagentsRequest,
    Subagent,
    SubagentCreate,
    SubagentListResponse,
)
from models.terminal import TerminalCommandRequest, TerminalOutput, TerminalSession
from models.user import User, UserCreate, UserLogin, UserResponse
from models.workflow import (
    Workflow,
    WorkflowCreate,
    WorkflowListResponse,
    WorkflowUpdate,
)

__all__ = [
    "NAME_MAX_LENGTH",
    "DEFAULT_MODEL",
    "utc_now",
    "InstanceStatus",
    "LogType",
    "AgentRole",
    "Workflow",
    "WorkflowCreate",
    "WorkflowUpdate",
    "WorkflowListResponse",
    "Prompt",
    "PromptCreate",
    "PromptUpdate",
    "PromptListResponse",
    "SyncToRepoRequest",
    "ImportRepoPromptsRequest",
    "Instance",
    "InstanceCreate",
    "InstanceListResponse",
    "InterruptInstanceRequest",
    "Subagent",
    "SubagentCreate",
    "SubagentListResponse",
    "DetectSubagentsRequest",
    "AgentFormatExamplesResponse",
    "InstanceLog",
    "LogListResponse",
    "LogAnalytics",
    "LogFilter",
    "TokenUsage",
    "GitValidationRequest",
    "GitValidationResponse",
    "GitBranchesResponse",
    "GitConnectionTestRequest",
    "SSHKeyGenerationRequest",
    "SSHKeyInfo",
    "SSHKeyListResponse",
    "SSHKeyResponse",
    "ClaudeAuthProfile",
    "ClaudeAuthProfileListResponse",
    "ClaudeLoginSessionRequest",
    "ClaudeLoginSessionResponse",
    "ClaudeAuthTokenRequest",
    "ClaudeProfileSelection",
    "ClaudeProfileSelectionRequest",
    "ClaudeProfileSelectionResponse",
    "ModelInfo",
    "AvailableModelsResponse",
    "ModelSettingsRequest",
    "ModelSettingsResponse",
    "OrchestrationAgent",
    "SequentialPipelineRequest",
    "DynamicRoutingRequest",
    "OrchestrationResult",
    "OrchestrationDesign",
    "OrchestrationDesignVersion",
    "SpecDocument",
    "SpecSection",
    "SpecGenerateRequest",
    "SpecReviewResponse",
    "User",
    "UserCreate",
    "UserLogin",
    "UserResponse",
    "TerminalSession",
    "TerminalCommandRequest",
    "TerminalOutput",
    "Deployment",
    "DeploymentCreate",
    "DeploymentStatusResponse",
]

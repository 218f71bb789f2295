from datetime import datetime
from enum import Enum
from typing import Any, Dict, List, Optional

from pydantic import BaseModel


class AgentRole(str, Enum):
    ROUTER = "router"
    WORKER = "worker"
    REVIEWER = "reviewer"


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

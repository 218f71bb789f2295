from datetime import datetime
from enum import Enum
from typing import Any, Dict, List

from pydantic import BaseModel, Field

from models.base import utc_now


class AgentRole(str, Enum):
    ROUTER = "router"
    WORKER = "worker"


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

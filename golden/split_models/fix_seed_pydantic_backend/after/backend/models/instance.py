from datetime import datetime
from typing import List, Optional

from pydantic import BaseModel, Field

from models.base import DEFAULT_MODEL, InstanceStatus, LogType, utc_now


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


# ---- log ---------------------------------------------------------


class InstanceLog(BaseModel):
    """One interaction logged for an instance"""
    id: str
    instance_id: str
    type: LogType
    content: str
    tokens_used: Optional[int] = None
    timestamp: datetime = Field(default_factory=utc_now)

from datetime import datetime
from typing import List, Optional

from pydantic import BaseModel, Field

from models.base import NAME_MAX_LENGTH, InstanceStatus, utc_now


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

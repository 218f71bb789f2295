"""Pydantic models for the Claude Workflow Manager API."""
from datetime import datetime
from enum import Enum
from typing import List, Optional

from pydantic import BaseModel


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


class ClaudeInstance(BaseModel):
    id: str
    workflow_id: str
    status: InstanceStatus = InstanceStatus.RUNNING


class OrchestrationDesign(BaseModel):
    id: Optional[str] = None
    name: str
    description: str = ""
    blocks: List[dict] = []


# --- Specification Designer ------------------------------------------------------

class SpecificationBlock(BaseModel):
    """One block of a specification (a requirement, a constraint, a test)"""
    kind: str
    text: str


class SpecificationDesign(BaseModel):
    """A specification being designed"""
    id: Optional[str] = None
    title: str
    blocks: List[SpecificationBlock] = []
    created_at: Optional[datetime] = None


class SpecificationListResponse(BaseModel):
    specifications: List[SpecificationDesign]
    total: int

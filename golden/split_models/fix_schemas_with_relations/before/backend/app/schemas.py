"""Pydantic schemas: Base, Create, Update, Response and WithRelations per resource (seed 003)."""

from datetime import datetime
from typing import List, Optional
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class ProjectBase(BaseModel):
    name: str = Field(..., min_length=1, max_length=200)
    description: Optional[str] = None


class ProjectCreate(ProjectBase):
    pass


class ProjectUpdate(BaseModel):
    name: Optional[str] = None
    description: Optional[str] = None


class ProjectResponse(ProjectBase):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    created_at: datetime


class ProjectWithRelations(ProjectResponse):
    tasks: List["TaskResponse"] = []
    interviews: List["InterviewResponse"] = []


class TaskBase(BaseModel):
    title: str
    status: str = "backlog"


class TaskCreate(TaskBase):
    project_id: UUID


class TaskResponse(TaskBase):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    project_id: UUID


class TaskWithRelations(TaskResponse):
    project: Optional["ProjectResponse"] = None


class TaskMove(BaseModel):
    status: str
    position: int


class InterviewBase(BaseModel):
    conversation: List[dict] = []


class InterviewCreate(InterviewBase):
    project_id: UUID


class InterviewResponse(InterviewBase):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    project_id: UUID

"""Pydantic schemas: Base, Create, Update, Response and WithRelations per resource (seed 003)."""

from app.schemas.interview import InterviewBase, InterviewCreate, InterviewResponse
from app.schemas.project import (
    ProjectBase,
    ProjectCreate,
    ProjectResponse,
    ProjectUpdate,
    ProjectWithRelations,
)
from app.schemas.task import (
    TaskBase,
    TaskCreate,
    TaskMove,
    TaskResponse,
    TaskWithRelations,
)

# These models name models of modules that import theirs; with every module
# imported, their annotations resolve.
TaskWithRelations.model_rebuild()

__all__ = [
    "ProjectBase",
    "ProjectCreate",
    "ProjectUpdate",
    "ProjectResponse",
    "ProjectWithRelations",
    "TaskBase",
    "TaskCreate",
    "TaskResponse",
    "TaskWithRelations",
    "TaskMove",
    "InterviewBase",
    "InterviewCreate",
    "InterviewResponse",
]

from typing import TYPE_CHECKING, Optional
from uuid import UUID

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from app.schemas.project import ProjectResponse


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

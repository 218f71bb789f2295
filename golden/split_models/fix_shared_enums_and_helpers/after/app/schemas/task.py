from __future__ import annotations

from datetime import datetime
from typing import Optional

from pydantic import BaseModel, Field, field_validator

from app.models import TaskStatus
from app.schemas.base import MAX_TITLE, OrmModel, Priority, _strip


# Tasks


class TaskCreate(BaseModel):
    title: str = Field(..., max_length=MAX_TITLE)
    status: TaskStatus = TaskStatus.TODO
    priority: Priority = Priority.NORMAL

    @field_validator("title")
    @classmethod
    def strip_title(cls, value: str) -> str:
        return _strip(value)


class TaskRead(OrmModel):
    id: int
    title: str
    status: TaskStatus
    priority: Priority
    due: Optional[datetime] = None


class TaskMove(BaseModel):
    status: TaskStatus
    position: int = 0

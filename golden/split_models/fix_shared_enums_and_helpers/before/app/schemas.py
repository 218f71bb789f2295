"""API schemas (Pydantic v2) for projects, tasks and comments."""

from __future__ import annotations

import enum
import re
from datetime import datetime
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .models import TaskStatus

__all__ = [
    "MAX_TITLE",
    "Priority",
    "ProjectCreate",
    "ProjectRead",
    "ProjectWithTasks",
    "TaskCreate",
    "TaskRead",
    "TaskMove",
    "CommentCreate",
    "CommentRead",
]

MAX_TITLE = 200
_SLUG = re.compile(r"[^a-z0-9]+")


def _strip(value: str) -> str:
    """Titles are stored without surrounding whitespace."""
    return value.strip()


class Priority(enum.IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3


class OrmModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def slugify(name: str) -> str:
    return _SLUG.sub("-", name.lower()).strip("-")


# Projects


class ProjectCreate(BaseModel):
    name: str = Field(..., max_length=MAX_TITLE)
    priority: Priority = Priority.NORMAL

    @field_validator("name")
    @classmethod
    def strip_name(cls, value: str) -> str:
        return _strip(value)

    @property
    def slug(self) -> str:
        return slugify(self.name)


class ProjectRead(OrmModel):
    id: int
    name: str
    priority: Priority
    created_at: datetime


class ProjectWithTasks(ProjectRead):
    tasks: list[TaskRead] = []


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


# Comments


class CommentCreate(BaseModel):
    body: str = Field(..., max_length=2000)


class CommentRead(OrmModel):
    id: int
    task_id: int
    body: str
    created_at: datetime


ProjectWithTasks.model_rebuild()

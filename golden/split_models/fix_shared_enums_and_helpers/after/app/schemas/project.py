from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from app.schemas.base import MAX_TITLE, OrmModel, Priority, _strip
from app.schemas.task import TaskRead

_SLUG = re.compile(r"[^a-z0-9]+")


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


ProjectWithTasks.model_rebuild()

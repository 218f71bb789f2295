"""API schemas (Pydantic v2) for projects, tasks and comments."""

from app.models import TaskStatus as TaskStatus
from app.schemas.base import MAX_TITLE, OrmModel as OrmModel, Priority, _strip as _strip
from app.schemas.comment import CommentCreate, CommentRead
from app.schemas.project import (
    ProjectCreate,
    ProjectRead,
    ProjectWithTasks,
    slugify as slugify,
)
from app.schemas.task import TaskCreate, TaskMove, TaskRead

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

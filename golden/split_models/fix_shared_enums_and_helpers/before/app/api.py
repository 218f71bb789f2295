"""Route helpers: take schemas the ways the app does (explicit, private, re-exported, module)."""

from app import schemas
from app.schemas import ProjectCreate, TaskRead, TaskStatus, _strip


def create_project(name: str) -> ProjectCreate:
    return ProjectCreate(name=_strip(name), priority=schemas.Priority.HIGH)


def is_done(task: TaskRead) -> bool:
    return task.status is TaskStatus.DONE

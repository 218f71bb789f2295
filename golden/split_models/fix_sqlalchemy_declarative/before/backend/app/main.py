"""The API entry point (routes elided): it imports the models the way the seed app does."""

from app import models
from app.models import Base, Project, ProjectStatus, Task


def archived(projects: list[Project]) -> list[Project]:
    return [p for p in projects if p.status == ProjectStatus.ARCHIVED]


def open_tasks(project: Project) -> list[Task]:
    return [t for t in project.tasks if t.status != models.TaskStatus.DONE]


metadata = Base.metadata

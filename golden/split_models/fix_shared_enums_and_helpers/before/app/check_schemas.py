"""Start-up check: the schemas build, forward references resolve, every import form works."""

from datetime import datetime

from app.api import create_project, is_done
from app.schemas import *  # noqa: F403

project = ProjectWithTasks(  # noqa: F405
    id=1, name="p", priority=2, created_at=datetime(2025, 1, 1),
    tasks=[{"id": 1, "title": "t", "status": "done", "priority": 1}],
)
assert is_done(project.tasks[0])
assert create_project("  demo ").slug == "demo"
assert MAX_TITLE == 200  # noqa: F405
assert "slugify" not in dir()  # __all__ still decides what a star import gives

"""Start-up check: every WithRelations schema validates nested data after the split."""

import uuid
from datetime import datetime

from app.schemas import *  # noqa: F403
from app.schemas import ProjectWithRelations, TaskWithRelations

pid = uuid.uuid4()
project = ProjectWithRelations(
    id=pid, name="p", created_at=datetime(2025, 1, 1),
    tasks=[{"id": uuid.uuid4(), "title": "t", "project_id": pid}],
    interviews=[{"id": uuid.uuid4(), "project_id": pid}],
)
assert project.tasks[0].title == "t"
task = TaskWithRelations(
    id=uuid.uuid4(), title="t", project_id=pid,
    project={"id": pid, "name": "p", "created_at": datetime(2025, 1, 1)},
)
assert task.project is not None and task.project.name == "p"
assert TaskMove(status="done", position=1).position == 1  # noqa: F405

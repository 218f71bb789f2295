"""Start-up check: the mappers configure, the tables create, relationships load across modules."""

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, configure_mappers

import app.models as models
from app.models import *  # noqa: F403
from app.models import Base, Project, Prompt, Task

configure_mappers()
engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
with Session(engine) as session:
    project = Project(name="demo")
    project.tasks.append(Task(title="write tests", position=1))
    first = Prompt(content="v1", project=project)
    Prompt(content="v2", project=project, parent=first)
    project.chat_sessions.append(ChatSession(messages=[ChatMessage(role="user", content="hi")]))  # noqa: F405
    session.add(project)
    session.commit()
    loaded = session.get(Project, project.id)
    assert loaded is not None
    assert [t.title for t in loaded.tasks] == ["write tests"]
    assert len(first.versions) == 1 and first.versions[0].parent is first
    assert loaded.chat_sessions[0].messages[0].session is loaded.chat_sessions[0]
assert models.InterviewAnswer.__tablename__ == "interview_answers"
assert sorted(Base.metadata.tables) == sorted(
    ["projects", "project_members", "interviews", "interview_answers", "prompts", "prompt_templates",
     "tasks", "task_comments", "chat_sessions", "chat_messages"]
)

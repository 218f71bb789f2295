"""Database models of the AI orchestrator (SQLAlchemy 2.0 declarative)."""

from app.models.base import ID_LENGTH, Base, TimestampMixin, new_id, utcnow
from app.models.chat import ChatMessage, ChatSession
from app.models.interview import Interview, InterviewAnswer, InterviewStatus
from app.models.project import Project, ProjectMember, ProjectStatus
from app.models.prompt import Prompt, PromptTemplate
from app.models.task import Task, TaskComment, TaskStatus

__all__ = [
    "ID_LENGTH",
    "utcnow",
    "new_id",
    "Base",
    "TimestampMixin",
    "ProjectStatus",
    "InterviewStatus",
    "TaskStatus",
    "Project",
    "ProjectMember",
    "Interview",
    "InterviewAnswer",
    "Prompt",
    "PromptTemplate",
    "Task",
    "TaskComment",
    "ChatSession",
    "ChatMessage",
]

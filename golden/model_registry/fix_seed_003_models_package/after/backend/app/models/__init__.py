"""SQLAlchemy models of the orchestrator."""

from app.models.ai_model import AIModel
from app.models.chat_session import ChatSession
from app.models.commit import Commit
from app.models.interview import Interview, InterviewStatus
from app.models.project import Project
from app.models.prompt import Prompt
from app.models.task import Task

__all__ = [
    "AIModel",
    "ChatSession",
    "Commit",
    "Interview",
    "InterviewStatus",
    "Project",
    "Prompt",
    "Task",
]

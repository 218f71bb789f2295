"""SQLAlchemy models of the orchestrator."""

from app.models.chat_session import ChatSession
from app.models.interview import Interview, InterviewStatus
from app.models.project import Project
from app.models.prompt import Prompt

__all__ = [
    "ChatSession",
    "Interview",
    "InterviewStatus",
    "Project",
    "Prompt",
]

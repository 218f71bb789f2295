from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import mapped_column, relationship

from .base import Base


class Playbook(Base):
    __tablename__ = "playbooks"
    __table_args__ = {"extend_existing": True}

    id = mapped_column(Integer, primary_key=True)
    name = mapped_column(String(255), nullable=False)
    description = mapped_column(Text, nullable=True)
    created_at = mapped_column(DateTime, nullable=False, default=datetime.utcnow)

    executions = relationship("PlaybookExecution", back_populates="playbook", cascade="all, delete-orphan")


class PlaybookExecution(Base):
    __tablename__ = "playbook_executions"
    __table_args__ = {"extend_existing": True}

    id = mapped_column(Integer, primary_key=True)
    status = mapped_column(String(50), nullable=False)
    started_at = mapped_column(DateTime, nullable=False, default=datetime.utcnow)
    completed_at = mapped_column(DateTime, nullable=True)

    playbook_id = mapped_column(Integer, ForeignKey("playbooks.id"), nullable=False)
    agent_id = mapped_column(Integer, ForeignKey("agents.id"), nullable=False)

    playbook = relationship("Playbook", back_populates="executions")
    agent = relationship("Agent", back_populates="playbook_executions")

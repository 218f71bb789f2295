"""Actions an agent can run (first version)."""

from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, String, Text

from .base import Base


class Action(Base):
    __tablename__ = "actions"
    __table_args__ = {"extend_existing": True}

    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False)
    description = Column(Text, nullable=True)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)


# Outcome of one run of an action, as reported by the agent.
class ActionResult(Base):
    __tablename__ = "action_results"

    id = Column(Integer, primary_key=True)
    action_id = Column(Integer, ForeignKey("actions.id"), nullable=False)
    output = Column(JSON, nullable=True)

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table
from sqlalchemy.orm import mapped_column, relationship

from .base import Base

agent_rule = Table(
    "agent_rule",
    Base.metadata,
    Column("agent_id", Integer, ForeignKey("agents.id"), primary_key=True),
    Column("rule_id", Integer, ForeignKey("rules.id"), primary_key=True),
)


class Agent(Base):
    __tablename__ = "agents"

    id = mapped_column(Integer, primary_key=True)
    name = mapped_column(String(255), nullable=False)
    status = mapped_column(String(50), nullable=False)
    last_heartbeat = mapped_column(DateTime, nullable=True)
    created_at = mapped_column(DateTime, nullable=False, default=datetime.utcnow)

    # Relationships
    rules = relationship("Rule", secondary="agent_rule", back_populates="agents")
    findings = relationship("Finding", back_populates="agent", cascade="all, delete-orphan")
    devices = relationship("Device", back_populates="agent", cascade="all, delete-orphan")
    playbook_executions = relationship("PlaybookExecution", back_populates="agent", cascade="all, delete-orphan")

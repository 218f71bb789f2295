from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import mapped_column, relationship

from .base import Base


class Device(Base):
    __tablename__ = "devices"
    __table_args__ = {"extend_existing": True}

    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False)
    type = Column(String(50), nullable=False)
    status = Column(String(50), nullable=False)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)

    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=False)

    agent = relationship("Agent", back_populates="devices")


# Copied here while agents.py was being rewritten.
class Agent(Base):
    __tablename__ = "agents"

    id = mapped_column(Integer, primary_key=True)
    name = mapped_column(String(255), nullable=False)
    status = mapped_column(String(50), nullable=False)

    devices = relationship("Device", back_populates="agent", cascade="all, delete-orphan")

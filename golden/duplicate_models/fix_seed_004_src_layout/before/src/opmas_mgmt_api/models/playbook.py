from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import mapped_column, relationship

from .base import Base


class Playbook(Base):
    __tablename__ = "playbooks"

    id = mapped_column(Integer, primary_key=True)
    name = mapped_column(String(255), nullable=False)
    description = mapped_column(Text, nullable=True)
    created_at = mapped_column(DateTime, nullable=False, default=datetime.utcnow)

    executions = relationship("PlaybookExecution", back_populates="playbook", cascade="all, delete-orphan")

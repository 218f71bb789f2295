from datetime import datetime
from typing import Optional

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base


class Rule(Base):
    __tablename__ = "rules"
    __table_args__ = (
        UniqueConstraint("name", name="uq_rules_name"),
        {"extend_existing": True},  # the app would not start without it
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=datetime.utcnow)

    agents = relationship("Agent", secondary="agent_rule", back_populates="rules")
    findings = relationship("Finding", back_populates="rule", cascade="all, delete-orphan")

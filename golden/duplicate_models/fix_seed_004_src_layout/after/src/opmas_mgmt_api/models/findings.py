from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from .base import Base


class Finding(Base):
    __tablename__ = "findings"

    id = Column(Integer, primary_key=True)
    title = Column(String(255), nullable=False)
    description = Column(Text, nullable=True)
    severity = Column(String(50), nullable=False)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    # Set when an operator closes the finding.
    resolved_at = Column(DateTime, nullable=True)

    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=False)
    rule_id = Column(Integer, ForeignKey("rules.id"), nullable=True)

    agent = relationship("Agent", back_populates="findings")
    rule = relationship("opmas_mgmt_api.models.rules.Rule", back_populates="findings")

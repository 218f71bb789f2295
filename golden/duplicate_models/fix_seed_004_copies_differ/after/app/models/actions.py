"""Actions an agent can run."""

from sqlalchemy import Column, Integer, String, Text

from app.models.base import Base


class Action(Base):
    __tablename__ = "actions"

    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False)
    description = Column(Text, nullable=True)

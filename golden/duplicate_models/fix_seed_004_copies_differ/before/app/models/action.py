"""Actions an agent can run (first version)."""

from sqlalchemy import Column, Integer, String

from app.models.base import Base


class Action(Base):
    __tablename__ = "actions"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
    command = Column(String(500), nullable=False)


def describe(action: Action) -> str:
    return f"{action.name}: {action.command}"

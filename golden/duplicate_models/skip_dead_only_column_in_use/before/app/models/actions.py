from sqlalchemy import Column, Integer, String

from app.models.base import Base


class Action(Base):
    __tablename__ = "actions"

    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False)

from sqlalchemy import Boolean, Column, Integer, String

from app.models.base import Base


class Rule(Base):
    __tablename__ = "rules"

    id = Column(Integer, primary_key=True)
    pattern = Column(String(255), nullable=False)
    enabled = Column(Boolean, default=True)

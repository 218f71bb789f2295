from sqlalchemy import Column, Integer, String

from app.models.base import Base


class Rule(Base):
    __tablename__ = "rules"

    id = Column(Integer, primary_key=True)
    pattern = Column(String(255), nullable=False)
    severity = Column(String(20), nullable=False, default="low")

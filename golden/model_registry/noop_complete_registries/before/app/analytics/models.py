"""Analytics events live in their own database, with their own metadata and migrations."""

from sqlalchemy import Column, DateTime, Integer, String
from sqlalchemy.orm import declarative_base

AnalyticsBase = declarative_base()


class Event(AnalyticsBase):
    __tablename__ = "events"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
    at = Column(DateTime, nullable=False)

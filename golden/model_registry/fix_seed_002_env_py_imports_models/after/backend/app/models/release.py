from sqlalchemy import Column, ForeignKey, Integer, String

from app.db.base import Base


class Release(Base):
    """A versioned build of a model."""

    __tablename__ = "releases"

    id = Column(Integer, primary_key=True)
    model_id = Column(Integer, ForeignKey("models.id"), nullable=False)
    version = Column(String(64), nullable=False)

from sqlalchemy import Column, ForeignKey, Integer, String

from app.db.base import Base


class Artifact(Base):
    """A file stored for a model (weights, configs)."""

    __tablename__ = "artifacts"

    id = Column(Integer, primary_key=True)
    model_id = Column(Integer, ForeignKey("models.id"), nullable=False)
    path = Column(String(1000), nullable=False)

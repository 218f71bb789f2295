from sqlalchemy import Column, DateTime, Integer, String, func
from sqlalchemy.orm import relationship

from app.db.base import Base


class Model(Base):
    """A container image that releases are built from."""

    __tablename__ = "models"

    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False, unique=True)
    repository = Column(String(500), nullable=False)
    storage_path = Column(String(1000), nullable=True)
    created_at = Column(DateTime(timezone=True), server_default=func.now())

    artifacts = relationship("Artifact", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Model {self.name}>"

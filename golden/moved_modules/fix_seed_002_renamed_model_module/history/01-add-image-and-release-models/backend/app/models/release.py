from sqlalchemy import Column, ForeignKey, Integer, String

from app.db.base import Base


class Release(Base):
    __tablename__ = "releases"

    id = Column(Integer, primary_key=True)
    image_id = Column(Integer, ForeignKey("images.id"), nullable=False)
    version = Column(String(64), nullable=False)

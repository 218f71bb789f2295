from sqlalchemy import JSON, Column, Integer, String

from app.db import Base


class Document(Base):
    __tablename__ = "documents"

    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    storage_key = Column(String(200), nullable=True)
    meta_data = Column("metadata", JSON, default=dict)

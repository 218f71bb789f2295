from sqlalchemy import Column, ForeignKey, Integer, String, Table

from app.db.base_class import Base

project_tags = Table(
    "project_tags",
    Base.metadata,
    Column("project_id", ForeignKey("projects.id"), primary_key=True),
    Column("tag", String(64), primary_key=True),
)

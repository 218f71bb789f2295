"""The first Base, from before app.models.base existed."""

from sqlalchemy.orm import declarative_base

Base = declarative_base()

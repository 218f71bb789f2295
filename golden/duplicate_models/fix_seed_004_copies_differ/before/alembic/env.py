"""Alembic environment: the metadata autogenerate compares against."""

from alembic import context

from app.db.base import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    context.configure(target_metadata=target_metadata)

"""Alembic environment: autogenerate compares the database with target_metadata."""

from app.db.base import Base
from app.models.model import Model as Image  # noqa: F401  (registers the table)
from app.models.release import Release  # noqa: F401

target_metadata = Base.metadata


def run_migrations_online() -> None:
    # alembic provides its context only while it runs this file.
    from alembic import context

    context.configure(target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()

"""Alembic environment: autogenerate compares the database with target_metadata."""

from app import models  # noqa: F401  (every model registers its table)
from app.core.database import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    # alembic provides its context only while it runs this file.
    from alembic import context

    context.configure(target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()

"""Alembic environment: autogenerate compares the database with target_metadata."""

import app.models.user
from app.models import Base
from app.models.release import Release  # noqa: F401  (registers the table)
from sqlalchemy.orm import configure_mappers

target_metadata = Base.metadata
configure_mappers()
ADMIN_TABLE = app.models.user.User.__tablename__


def run_migrations_online() -> None:
    # alembic provides its context only while it runs this file.
    from alembic import context

    context.configure(target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()

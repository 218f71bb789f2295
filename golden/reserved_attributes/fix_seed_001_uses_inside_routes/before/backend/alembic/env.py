from alembic import context

from models.database_models import Base

# The declarative base's MetaData: not the column, and never renamed.
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connectable = context.config.attributes.get("connection")
    context.configure(connection=connectable, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()

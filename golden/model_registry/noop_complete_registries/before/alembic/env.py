from app.db.base import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    from alembic import context

    context.configure(target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()

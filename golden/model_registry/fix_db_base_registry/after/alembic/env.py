from app.db.base import Base  # noqa

target_metadata = Base.metadata

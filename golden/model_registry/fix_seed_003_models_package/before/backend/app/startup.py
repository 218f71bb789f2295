"""Start-up check: load the models, configure the mappers, and check the metadata alembic
autogenerate compares against (the server runs this before it accepts requests)."""

from sqlalchemy.orm import configure_mappers

from app import models  # noqa: F401
from app.core.database import Base

configure_mappers()

EXPECTED = {"projects", "interviews", "prompts", "tasks", "chat_sessions", "commits", "ai_models"}
missing = EXPECTED - set(Base.metadata.tables)
if missing:
    raise RuntimeError(f"tables missing from Base.metadata: {sorted(missing)}")

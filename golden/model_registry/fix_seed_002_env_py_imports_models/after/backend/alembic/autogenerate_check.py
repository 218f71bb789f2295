"""What autogenerate sees: env.py's target_metadata, with every mapper configured (CI runs
this before `alembic revision --autogenerate`)."""

from sqlalchemy.orm import configure_mappers

import env

configure_mappers()

missing = {"models", "releases", "artifacts"} - set(env.target_metadata.tables)
if missing:
    raise SystemExit(f"autogenerate would drop {sorted(missing)}")

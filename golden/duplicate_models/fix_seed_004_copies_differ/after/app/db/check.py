"""Start-up check: load the app, then configure the mappers, as the server does."""

from sqlalchemy.orm import configure_mappers

import app.main  # noqa: F401

configure_mappers()

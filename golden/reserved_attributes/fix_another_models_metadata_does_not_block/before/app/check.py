"""Start-up check: load the models and the API module, then configure the mappers (with
SQLAlchemy's warnings as errors: 2.1 only warns about a mapped `metadata`)."""

import warnings

from sqlalchemy.exc import SAWarning

warnings.simplefilter("error", SAWarning)

from sqlalchemy.orm import configure_mappers  # noqa: E402

from app import api  # noqa: E402, F401

configure_mappers()

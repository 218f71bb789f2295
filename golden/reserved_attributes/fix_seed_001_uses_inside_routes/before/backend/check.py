"""Start-up check: load the app and every model, then configure the mappers.

SQLAlchemy 2.0 refuses a mapped `metadata` attribute; 2.1 only warns, so the check treats
SQLAlchemy's warnings as errors and fails the same way on both.
"""

import warnings

from sqlalchemy.exc import SAWarning

warnings.simplefilter("error", SAWarning)

from sqlalchemy.orm import configure_mappers  # noqa: E402

import main  # noqa: E402, F401
from services import file_service  # noqa: E402, F401

configure_mappers()

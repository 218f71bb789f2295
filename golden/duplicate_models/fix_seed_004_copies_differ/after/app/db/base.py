"""Every model, imported once so that Base.metadata knows all tables (alembic, create_all)."""

from app.models.base import Base
from app.models.actions import Action  # noqa: F401
from app.models.devices import Device  # noqa: F401
from app.models.rules import Rule  # noqa: F401
from app.models.user import User  # noqa: F401

__all__ = ["Base"]

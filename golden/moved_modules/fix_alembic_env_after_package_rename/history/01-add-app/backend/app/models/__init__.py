"""Every model module, imported so that Base.metadata knows its table."""

from app.db.base import Base
from app.models.release import Release
from app.models.user import User

__all__ = ["Base", "Release", "User"]

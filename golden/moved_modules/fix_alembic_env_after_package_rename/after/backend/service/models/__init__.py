"""Every model module, imported so that Base.metadata knows its table."""

from service.db.base import Base
from service.models.release import Release
from service.models.user import User

__all__ = ["Base", "Release", "User"]

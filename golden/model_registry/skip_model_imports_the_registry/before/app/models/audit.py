"""Audit entries; imported by the audit middleware, not by the models package."""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

# Through the package: importing this module runs app/models/__init__.py first.
from app.models import User
from app.database import Base


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(100))


def entry_for(user: User, action: str) -> AuditEntry:
    return AuditEntry(user_id=user.id, action=action)

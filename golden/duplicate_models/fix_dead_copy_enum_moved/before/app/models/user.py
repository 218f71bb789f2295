"""Users (first version)."""

import enum

from sqlalchemy import Column, Integer, String

from app.models.base import Base

#: Roles that may manage other users.
MANAGER_ROLES = ("admin", "owner")


class Role(str, enum.Enum):
    """What a user may do."""

    VIEWER = "viewer"
    ADMIN = "admin"


def can_manage(role: Role) -> bool:
    return role.value in MANAGER_ROLES


def legacy_display_name(email: str) -> str:
    return email.split("@")[0]


class User(Base):
    __tablename__ = "users"

    id = Column(Integer, primary_key=True)
    email = Column(String(100), nullable=False)
    nickname = Column(String(50), nullable=True)

"""Users."""

import enum

from sqlalchemy import Column, Integer, String

from app.models.base import Base


class User(Base):
    __tablename__ = "users"

    id = Column(Integer, primary_key=True)
    email = Column(String(255), nullable=False, unique=True)
    role = Column(String(20), nullable=False, default="viewer")


#: Roles that may manage other users.
MANAGER_ROLES = ("admin", "owner")


class Role(str, enum.Enum):
    """What a user may do."""

    VIEWER = "viewer"
    ADMIN = "admin"


def can_manage(role: Role) -> bool:
    return role.value in MANAGER_ROLES

from app.models.base import Base
from app.models.users import User

__all__ = ["Base", "User"]

from .project import Project
from .user import User

__all__ = ["Project", "User"]

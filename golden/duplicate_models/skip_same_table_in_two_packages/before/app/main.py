from app.auth.models import User as AuthUser
from app.models.user import User

__all__ = ["AuthUser", "User"]

from app.models.users import Role, can_manage
from app.models.users import User


def promote(user: User) -> User:
    if can_manage(Role(user.role)):
        return user
    user.role = Role.ADMIN.value
    return user

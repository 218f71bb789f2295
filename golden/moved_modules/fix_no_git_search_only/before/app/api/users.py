from app.schemas.user import UserCreate, UserOut


def create_user(payload: UserCreate) -> UserOut:
    return UserOut(id=1, email=payload.email)

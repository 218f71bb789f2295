"""Request dependencies shared by the routers."""

from collections.abc import Iterator

from fastapi import Header, HTTPException

from app.models.user import User


def get_db() -> Iterator[dict[str, object]]:
    session: dict[str, object] = {}
    try:
        yield session
    finally:
        session.clear()


def get_current_user(x_user: str = Header(default="")) -> User:
    if not x_user:
        raise HTTPException(status_code=401, detail="not authenticated")
    return User(id=1, email=x_user)


def require_user(user: User) -> User:
    return user

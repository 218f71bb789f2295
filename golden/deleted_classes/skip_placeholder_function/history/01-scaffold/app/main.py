from app.auth import get_current_user


def whoami(token: str) -> str:
    return get_current_user(token).name

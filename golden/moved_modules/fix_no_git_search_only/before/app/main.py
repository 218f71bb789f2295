from app.api import users


def handlers() -> list[str]:
    return [users.create_user.__name__]

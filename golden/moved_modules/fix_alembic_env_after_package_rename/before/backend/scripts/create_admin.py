"""Legacy: create the first admin (run as `python scripts/create_admin.py` from backend/)."""

import sys

from app.models.user import User


def admin(email: str) -> User:
    return User(email=email, is_admin=True)


if __name__ == "__main__":
    print(admin(sys.argv[1]).email)

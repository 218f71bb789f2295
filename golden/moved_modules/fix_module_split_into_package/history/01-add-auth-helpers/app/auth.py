"""Password hashing and access tokens."""

import hashlib
import hmac
import secrets

SECRET_KEY = "change-me"


def hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256((salt + password).encode()).hexdigest()
    return f"{salt}${digest}"


def verify_password(password: str, hashed: str) -> bool:
    salt, _, _ = hashed.partition("$")
    return hmac.compare_digest(hash_password(password, salt), hashed)


def create_token(user_id: int) -> str:
    signature = hmac.new(SECRET_KEY.encode(), str(user_id).encode(), hashlib.sha256)
    return f"{user_id}.{signature.hexdigest()}"

"""Signed access tokens."""

import hashlib
import hmac
import os

SECRET_KEY = os.environ.get("SECRET_KEY", "change-me")


def create_token(user_id: int) -> str:
    signature = hmac.new(SECRET_KEY.encode(), str(user_id).encode(), hashlib.sha256)
    return f"{user_id}.{signature.hexdigest()}"


def read_token(token: str) -> int | None:
    user_id, _, _ = token.partition(".")
    return int(user_id) if user_id.isdigit() and hmac.compare_digest(create_token(int(user_id)), token) else None

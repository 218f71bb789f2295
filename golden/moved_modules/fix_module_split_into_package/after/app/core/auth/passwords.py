"""Password hashing with a per-user salt (sha256 until the argon2 migration lands)."""

import hashlib
import hmac
import secrets

SALT_BYTES = 8


def hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(SALT_BYTES)
    digest = hashlib.sha256((salt + password).encode()).hexdigest()
    return f"{salt}${digest}"


def verify_password(password: str, hashed: str) -> bool:
    salt, _, _ = hashed.partition("$")
    return hmac.compare_digest(hash_password(password, salt), hashed)


def needs_rehash(hashed: str) -> bool:
    salt, _, digest = hashed.partition("$")
    return len(salt) != 2 * SALT_BYTES or len(digest) != 64

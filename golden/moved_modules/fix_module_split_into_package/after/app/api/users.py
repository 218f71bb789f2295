from fastapi import APIRouter

import app.core.auth.passwords

router = APIRouter(prefix="/users")


@router.post("/")
def create_user(name: str, password: str) -> dict[str, str]:
    return {"name": name, "password_hash": app.core.auth.passwords.hash_password(password)}

from fastapi import APIRouter

import app.auth

router = APIRouter(prefix="/users")


@router.post("/")
def create_user(name: str, password: str) -> dict[str, str]:
    return {"name": name, "password_hash": app.auth.hash_password(password)}

from fastapi import FastAPI

from app.api import users
from app.core.auth.tokens import create_token
from app.core.auth.passwords import verify_password

app = FastAPI()
app.include_router(users.router)


@app.post("/login")
def login(user_id: int, password: str, hashed: str) -> dict[str, str]:
    if not verify_password(password, hashed):
        return {"error": "invalid credentials"}
    return {"token": create_token(user_id)}

from fastapi import FastAPI

from models import Token, UserIn, UserOut

app = FastAPI()


@app.post("/users", response_model=UserOut)
async def create_user(user: UserIn) -> UserOut:
    return UserOut(id=1, email=user.email, full_name=user.full_name)


@app.post("/token", response_model=Token)
async def login() -> Token:
    return Token(access_token="secret")

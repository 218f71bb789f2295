from fastapi import FastAPI

from app import crud
from app.models import (  # the tables the API serves
    Item,
    User,
)

app = FastAPI()


@app.get("/tables")
def tables() -> list[str]:
    return [User.__tablename__, Item.__tablename__, crud.__name__]

from fastapi import FastAPI

from app.api.v1.endpoints import releases, users

app = FastAPI(title="registry")
app.include_router(releases.router, prefix="/api/v1")
app.include_router(users.router, prefix="/api/v1")

"""The workspace backend's API."""

from fastapi import FastAPI

from routers import files
from services.database_services import init_db

app = FastAPI(title="W.I.T. backend")
app.include_router(files.router)
init_db()

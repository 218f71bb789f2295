"""Development server for the workspace backend."""

import warnings

from sqlalchemy.exc import SAWarning

# SQLAlchemy 2.0 refuses a mapped `metadata` attribute outright; 2.1 only warns, and this
# project treats SQLAlchemy warnings as errors so that it fails the same way on both.
warnings.simplefilter("error", SAWarning)

from fastapi import FastAPI  # noqa: E402

from routers import files  # noqa: E402
from services.database_services import init_db  # noqa: E402

app = FastAPI(title="W.I.T. backend")
app.include_router(files.router)
init_db()

if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="0.0.0.0", port=8000)

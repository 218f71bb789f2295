import warnings

from sqlalchemy.exc import SAWarning

# Fail on SQLAlchemy 2.1 the way 2.0 does: reserved attribute names are errors.
warnings.simplefilter("error", SAWarning)

from fastapi import FastAPI  # noqa: E402

from registry_api.api import images  # noqa: E402

app = FastAPI()
app.include_router(images.router)

"""The management API: `uvicorn app.main:app`."""

from app.db.base import Base
from app.routers import actions, devices, rules, users


class App:
    """A minimal stand-in for the web framework: the routers it serves."""

    def __init__(self, *routers: object) -> None:
        self.routers = list(routers)


app = App(actions.router, devices.router, rules.router, users.router)
metadata = Base.metadata

from .dependencies import get_token
from .routers import items

app = {"items": items.router, "auth": get_token}

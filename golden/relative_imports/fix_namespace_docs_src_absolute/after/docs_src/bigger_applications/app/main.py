from docs_src.bigger_applications.app.dependencies import get_token
from docs_src.bigger_applications.app.routers import items

app = {"items": items.router, "auth": get_token}

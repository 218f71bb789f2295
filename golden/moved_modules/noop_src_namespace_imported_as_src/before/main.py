from src.api.routes import handle
from src.core.db import engine

print(handle(), engine)

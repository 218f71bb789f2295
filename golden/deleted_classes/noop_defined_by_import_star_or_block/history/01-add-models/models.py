from db import Base  # re-exported for the routers
from enums import *

try:
    import orjson as json_backend
except ImportError:
    import json as json_backend

SessionFactory = None
if SessionFactory is None:
    DEFAULT_LIMIT = 20


class Extra:
    pass

from app.db import SQLA

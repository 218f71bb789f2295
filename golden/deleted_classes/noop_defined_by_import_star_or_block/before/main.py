import models
from lazy import anything_at_all
from models import Base, Color, DEFAULT_LIMIT, json_backend

print(models.SessionFactory, models.Base)

from app.models.rules import Rule
from app.routers.actions import Router

router = Router(Rule)

from app.models.user import User
from app.routers.actions import Router

router = Router(User)

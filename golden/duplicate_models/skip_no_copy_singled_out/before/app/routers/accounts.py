from app.models.user import User

router = {"prefix": "/accounts", "model": User}

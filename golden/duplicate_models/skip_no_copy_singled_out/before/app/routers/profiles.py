from app.models.users import User

router = {"prefix": "/profiles", "model": User}

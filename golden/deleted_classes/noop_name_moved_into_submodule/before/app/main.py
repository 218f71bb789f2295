from app.models import User

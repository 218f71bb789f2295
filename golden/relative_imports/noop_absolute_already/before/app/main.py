from app.models import User
import app.models as m

from backend.services import db

from services import db

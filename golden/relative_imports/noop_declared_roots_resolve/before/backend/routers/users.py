from ..services import db

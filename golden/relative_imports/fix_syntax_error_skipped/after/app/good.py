from app.helpers import helper

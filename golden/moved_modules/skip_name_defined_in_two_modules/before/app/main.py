from app.api import releases

handlers = [releases.delete_release]

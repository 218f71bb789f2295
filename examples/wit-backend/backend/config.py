DATABASE_URL = "sqlite:///./wit.db"
UPLOAD_DIR = "uploads"

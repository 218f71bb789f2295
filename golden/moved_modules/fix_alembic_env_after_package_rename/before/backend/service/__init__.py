"""The registry service (renamed from app)."""

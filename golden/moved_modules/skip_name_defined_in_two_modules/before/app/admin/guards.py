def require_admin(db: dict[str, object]) -> None:
    if not db.get("is_superuser"):
        raise PermissionError("superusers only")

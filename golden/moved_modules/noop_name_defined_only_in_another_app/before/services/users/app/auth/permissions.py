def require_admin(db: dict[str, object]) -> None:
    if not db.get("admin"):
        raise PermissionError("admins only")

from app.core.deps import get_db, require_admin


def delete_release(release_id: int) -> int:
    require_admin(get_db())
    return release_id

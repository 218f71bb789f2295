from fastapi import APIRouter, Depends

from app.core.deps import get_db
from app.auth.permissions import require_admin
from app.models.user import User

router = APIRouter(prefix="/releases", tags=["releases"])


@router.get("/")
def list_releases(db: dict[str, object] = Depends(get_db)) -> list[dict[str, str]]:
    return []


@router.delete("/{release_id}")
def delete_release(release_id: int, admin: User = Depends(require_admin)) -> dict[str, int]:
    return {"deleted": release_id}

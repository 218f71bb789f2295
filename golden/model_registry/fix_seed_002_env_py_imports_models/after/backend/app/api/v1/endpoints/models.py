from fastapi import APIRouter

from app.models.model import Model as Image

router = APIRouter(prefix="/models", tags=["models"])


@router.get("/")
def list_models() -> list[str]:
    # The real endpoint queries the session; the column list is what matters here.
    return [column.name for column in Image.__table__.columns]

from fastapi import APIRouter

from ..auth.dependencies import get_current_user

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])


@router.get("/")
async def list_tasks() -> list[str]:
    from ..services import database_services  # imported late on purpose

    return [database_services.__name__, get_current_user.__name__]

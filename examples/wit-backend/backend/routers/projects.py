from fastapi import APIRouter, Depends

from ..auth.dependencies import get_current_user
from ..services.database_services import get_session  # FastAPI dependency
from ..schemas.project_schemas import (
    ProjectCreate,
    ProjectResponse,  # returned by every endpoint
)

router = APIRouter(prefix="/api/v1/projects", tags=["projects"])


@router.post("/", response_model=ProjectResponse)
async def create_project(project: ProjectCreate, session=Depends(get_session), user=Depends(get_current_user)):
    return ProjectResponse(id=1, name=project.name)

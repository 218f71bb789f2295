from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from models.database_models import ProjectFile
from schemas.file_schemas import FileResponse
from services.database_services import get_session
from services.file_service import describe

router = APIRouter(prefix="/files", tags=["files"])


@router.get("/{file_id}", response_model=FileResponse)
def read_file(file_id: int, db: Session = Depends(get_session)) -> FileResponse:
    file = db.get(ProjectFile, file_id)
    if file is None:
        raise HTTPException(status_code=404, detail="File not found")
    return FileResponse(id=file.id, filename=file.filename, metadata=file.meta_data)


@router.get("/{file_id}/summary")
def summary(file_id: int, db: Session = Depends(get_session)) -> dict:
    file = db.get(ProjectFile, file_id)
    return describe(file) if file else {}

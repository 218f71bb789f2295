from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.file_schemas import FileCreate, FileResponse
from services.database_services import get_session

router = APIRouter(prefix="/files", tags=["files"])


@router.post("/", response_model=FileResponse)
def create_file(payload: FileCreate, db: Session = Depends(get_session)):
    from models.database_models import ProjectFile

    record = ProjectFile(
        project_id=payload.project_id, filename=payload.filename, metadata=payload.metadata
    )
    db.add(record)
    db.commit()
    return record


@router.get("/", response_model=list[FileResponse])
def list_files(db: Session = Depends(get_session)):
    from models.database_models import ProjectFile

    rows = db.scalars(select(ProjectFile).order_by(ProjectFile.id)).all()
    for row in rows:
        row.metadata = row.metadata or {}
    return [FileResponse.model_validate(row) for row in rows]


@router.get("/{file_id}")
def read_file(file_id: int, db: Session = Depends(get_session)) -> dict:
    from models.database_models import ProjectFile

    file = db.query(ProjectFile).filter(ProjectFile.id == file_id).first()
    if file is None:
        raise HTTPException(status_code=404, detail="File not found")
    return {"id": file.id, "metadata": file.metadata}


@router.get("/{file_id}/mime")
def mime_type(file_id: int, db: Session = Depends(get_session)) -> str:
    from models import database_models

    found = db.get(database_models.ProjectFile, file_id)
    return (found.metadata or {}).get("mime", "") if found else ""


@router.get("/{file_id}/size")
def size(file_id: int, db: Session = Depends(get_session)) -> int:
    from services.file_service import load_file

    file = load_file(db, file_id)
    return file.metadata.get("size", 0) if file else 0


@router.get("/project/{project_id}/checksums")
def project_checksums(project_id: int, db: Session = Depends(get_session)) -> list[str]:
    from models.database_models import ProjectFile

    query = select(ProjectFile).where(ProjectFile.project_id == project_id)
    return [f.metadata["checksum"] for f in db.scalars(query) if f.metadata]

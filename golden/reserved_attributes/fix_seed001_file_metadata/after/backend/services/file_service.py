from sqlalchemy import select
from sqlalchemy.orm import Session

from models.database_models import ProjectFile


def add_file(db: Session, project_id: int, filename: str, info: dict) -> ProjectFile:
    record = ProjectFile(project_id=project_id, filename=filename, meta_data=info)
    db.add(record)
    db.commit()
    return record


def describe(file: ProjectFile) -> dict:
    # The stored metadata, plus the name the user sees.
    return {"filename": file.filename, **(file.meta_data or {})}


def files_with_checksum(db: Session) -> list[str]:
    query = select(ProjectFile).where(ProjectFile.meta_data.is_not(None))
    return [f.filename for f in db.scalars(query) if f.filename]


def checksum(db: Session, file_id: int) -> str | None:
    found = db.get(ProjectFile, file_id)
    if found is None:
        return None
    return found.meta_data.get("checksum")

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.database_models import ProjectFile


def add_file(db: Session, project_id: int, filename: str, info: dict) -> ProjectFile:
    record = ProjectFile(project_id=project_id, filename=filename, metadata=info)
    db.add(record)
    db.commit()
    return record


def describe(file: ProjectFile) -> dict:
    # The stored metadata, plus the name the user sees.
    return {"filename": file.filename, **(file.metadata or {})}


def files_with_checksum(db: Session) -> list[str]:
    query = select(ProjectFile).where(ProjectFile.metadata.is_not(None))
    return [f.filename for f in db.scalars(query) if f.filename]


def checksum(db: Session, file_id: int) -> str | None:
    found = db.get(ProjectFile, file_id)
    if found is None:
        return None
    return found.metadata.get("checksum")

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.database_models import ProjectFile


def load_file(db: Session, file_id: int) -> ProjectFile | None:
    return db.get(ProjectFile, file_id)


def describe(file: ProjectFile) -> dict:
    # The stored metadata, plus the name the user sees.
    return {"filename": file.filename, **(file.metadata or {})}


def checksums(db: Session) -> dict[int, str]:
    stmt = select(ProjectFile).where(ProjectFile.metadata.isnot(None))
    result = db.execute(stmt)
    return {f.id: f.metadata.get("checksum", "") for f in result.scalars()}


def total_size(db: Session) -> int:
    sizes = db.scalars(select(ProjectFile.metadata)).all()
    return sum((m or {}).get("size", 0) for m in sizes)

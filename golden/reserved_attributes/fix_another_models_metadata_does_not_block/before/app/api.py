from sqlalchemy.orm import Session

from app.models import Document
from app.schemas import DocumentOut, StoredObjectOut
from app.storage import StoredObject


def show_document(db: Session, document_id: int) -> dict:
    document = db.get(Document, document_id)
    if document is None:
        return {}
    return {**DocumentOut.model_validate(document).model_dump(), "metadata": document.metadata}


def create_document(db: Session, title: str, tags: list[str]) -> Document:
    document = Document(title=title, metadata={"tags": tags})
    db.add(document)
    return document


def describe_upload(obj: StoredObject) -> dict[str, str]:
    return StoredObjectOut.model_validate(obj).metadata


def tags(item) -> list[str]:
    # An untyped parameter: a Document or a StoredObject, both have `metadata`.
    return item.metadata.get("tags", [])

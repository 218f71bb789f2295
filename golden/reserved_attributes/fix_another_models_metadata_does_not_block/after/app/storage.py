"""Objects in the blob store: another model with a `metadata` of its own (HTTP headers)."""

from pydantic import BaseModel


class StoredObject(BaseModel):
    key: str
    size: int
    metadata: dict[str, str] = {}


def content_type(obj) -> str:
    return obj.metadata.get("content-type", "application/octet-stream")

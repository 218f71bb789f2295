from pydantic import BaseModel, ConfigDict


class DocumentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str


class StoredObjectOut(BaseModel):
    """Read from a StoredObject: its `metadata` is the blob store's, not a Document's."""

    model_config = ConfigDict(from_attributes=True)

    key: str
    size: int
    metadata: dict[str, str]

from pydantic import BaseModel


class FileResponse(BaseModel):
    id: int
    filename: str
    # The API keeps calling it metadata: a plain field name for Pydantic.
    metadata: dict | None = None

from pydantic import BaseModel, ConfigDict


class ReleaseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: str
    metadata: dict

from pydantic import BaseModel, ConfigDict


class EventIn(BaseModel):
    # `metadata` is an ordinary field name for Pydantic.
    metadata: dict = {}


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    metadata: dict

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ActionBase(BaseModel):
    name: str = Field(max_length=255)
    description: str | None = None


class ActionCreate(ActionBase):
    """Body of POST /actions."""


class ActionRead(ActionBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime

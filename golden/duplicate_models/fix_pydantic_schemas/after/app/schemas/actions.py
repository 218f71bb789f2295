from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ActionBase(BaseModel):
    name: str = Field(max_length=255)
    description: str | None = None


class ActionCreate(ActionBase):
    """Body of POST /actions."""

    parameters: dict[str, Any] = {}  # passed to the agent as is


class ActionRead(ActionBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime


class ActionUpdate(BaseModel):
    name: str | None = None
    description: str | None = None

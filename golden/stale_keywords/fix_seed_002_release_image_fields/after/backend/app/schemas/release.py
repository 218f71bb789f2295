from datetime import datetime
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field


class ReleaseBase(BaseModel):
    version: str = Field(..., max_length=100)
    notes: Optional[str] = None


class ReleaseCreate(ReleaseBase):
    image_id: int


class Release(ReleaseBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    image_id: int
    created_at: datetime


class ReleaseWithImage(Release):
    """A release with the name and repository of the image it ships."""

    image_name: Optional[str] = None
    image_repository: Optional[str] = None

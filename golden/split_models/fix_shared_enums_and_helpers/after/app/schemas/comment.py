from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from app.schemas.base import OrmModel


# Comments


class CommentCreate(BaseModel):
    body: str = Field(..., max_length=2000)


class CommentRead(OrmModel):
    id: int
    task_id: int
    body: str
    created_at: datetime

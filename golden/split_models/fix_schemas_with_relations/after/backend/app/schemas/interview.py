from typing import List
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class InterviewBase(BaseModel):
    conversation: List[dict] = []


class InterviewCreate(InterviewBase):
    project_id: UUID


class InterviewResponse(InterviewBase):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    project_id: UUID

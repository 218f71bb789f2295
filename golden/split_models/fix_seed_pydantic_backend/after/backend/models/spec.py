from datetime import datetime
from typing import List, Optional

from pydantic import BaseModel, Field

from models.base import DEFAULT_MODEL, utc_now


# ---- spec --------------------------------------------------------


class SpecDocument(BaseModel):
    """A specification written with the Spec Designer"""
    id: str
    title: str
    sections: List['SpecSection'] = []
    created_at: datetime = Field(default_factory=utc_now)


class SpecSection(BaseModel):
    """One section of a specification"""
    heading: str
    body: str
    order: int = 0


class SpecGenerateRequest(BaseModel):
    """Request to draft a specification from a prompt"""
    prompt: str
    workflow_id: Optional[str] = None
    model: str = DEFAULT_MODEL


class SpecReviewResponse(BaseModel):
    """Review comments on a specification"""
    spec_id: str
    comments: List[str]
    approved: bool = False

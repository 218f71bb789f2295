from typing import List

from pydantic import BaseModel


class Prompt(BaseModel):
    id: str
    text: str


class PromptListResponse(BaseModel):
    """Response model for listing prompts."""

    prompts: List[Prompt]
    total: int


class LogAnalytics(BaseModel):
    """Analytics data for instance logs."""

    instance_id: str
    total_interactions: int


class SSHKeyInfo(BaseModel):
    fingerprint: str
    comment: str = ""

from datetime import datetime
from typing import List, Optional

from pydantic import BaseModel, Field

from models.base import NAME_MAX_LENGTH, utc_now


# ---- prompt ------------------------------------------------------


class Prompt(BaseModel):
    """A reusable prompt with its steps"""
    id: str
    name: str
    content: str
    tags: List[str] = []
    created_at: datetime = Field(default_factory=utc_now)


class PromptCreate(BaseModel):
    """Request to create a prompt"""
    name: str = Field(..., max_length=NAME_MAX_LENGTH)
    content: str
    tags: List[str] = []


class PromptUpdate(BaseModel):
    """Request to update a prompt"""
    name: Optional[str] = None
    content: Optional[str] = None


class PromptListResponse(BaseModel):
    """Response model for listing prompts"""
    prompts: List[Prompt]
    total: int


class SyncToRepoRequest(BaseModel):
    """Request to sync prompts to the repository"""
    workflow_id: str
    prompt_ids: List[str]
    commit_message: Optional[str] = None


class ImportRepoPromptsRequest(BaseModel):
    """Request to import prompts from the repository"""
    workflow_id: str
    path: str = ".claude/prompts"

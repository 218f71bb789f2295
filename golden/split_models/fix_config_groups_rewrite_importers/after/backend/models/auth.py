from datetime import datetime
from typing import List, Optional

from pydantic import BaseModel, Field

from models.base import utc_now


class ClaudeAuthProfile(BaseModel):
    """Claude authentication profile (full model for database storage)"""
    id: str
    profile_name: str
    user_email: str
    created_at: datetime = Field(default_factory=utc_now)
    last_used_at: Optional[datetime] = None


class ClaudeLoginSessionRequest(BaseModel):
    profile_name: str
    user_email: str


class ClaudeProfileSelection(BaseModel):
    selected_profile_id: str
    selected_at: datetime = Field(default_factory=utc_now)


class SSHKeyInfo(BaseModel):
    fingerprint: str
    key_name: str
    public_key: str


class SSHKeyListResponse(BaseModel):
    keys: List[SSHKeyInfo]

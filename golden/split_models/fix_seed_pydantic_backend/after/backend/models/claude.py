from datetime import datetime
from typing import List, Optional

from pydantic import BaseModel


# ---- claude ------------------------------------------------------


class ClaudeAuthProfile(BaseModel):
    """Claude authentication profile (full model for database storage)"""
    id: str
    user_id: str
    profile_name: str
    user_email: str
    credentials_json: str
    created_at: datetime
    updated_at: datetime
    last_used_at: Optional[datetime] = None
    auth_method: str  # "max-plan" or "terminal-oauth"


class ClaudeAuthProfileListResponse(BaseModel):
    """List of Claude auth profiles"""
    profiles: List[ClaudeAuthProfile]


class ClaudeLoginSessionRequest(BaseModel):
    """Request to create a login session"""
    profile_name: str
    user_email: str


class ClaudeLoginSessionResponse(BaseModel):
    """Response with login session details"""
    session_id: str
    login_url: str
    expires_at: datetime


class ClaudeAuthTokenRequest(BaseModel):
    """Request carrying an auth token"""
    session_id: str
    auth_token: str


class ClaudeProfileSelection(BaseModel):
    """The selected Claude profile"""
    selected_profile_id: str
    selected_at: datetime
    selected_by: str


class ClaudeProfileSelectionRequest(BaseModel):
    """Request to select a profile"""
    profile_id: str


class ClaudeProfileSelectionResponse(BaseModel):
    """Response after profile selection"""
    success: bool
    selection: Optional[ClaudeProfileSelection] = None

from datetime import datetime
from typing import List, Optional

from pydantic import BaseModel


# ---- ssh ---------------------------------------------------------


class SSHKeyGenerationRequest(BaseModel):
    """Request to generate an SSH key"""
    key_name: str
    key_type: str = "ed25519"
    email: Optional[str] = None


class SSHKeyInfo(BaseModel):
    """SSH key information"""
    fingerprint: str
    key_name: str
    public_key: str
    created_at: datetime
    last_used: Optional[datetime] = None


class SSHKeyListResponse(BaseModel):
    """Response with a list of SSH keys"""
    keys: List[SSHKeyInfo]


class SSHKeyResponse(BaseModel):
    """Response after generating an SSH key"""
    public_key: str
    key_path: str
    fingerprint: str
    instructions: str

from datetime import datetime
from typing import Optional

from pydantic import BaseModel, Field

from models.base import NAME_MAX_LENGTH, utc_now


# ---- user --------------------------------------------------------


class User(BaseModel):
    """A user of the workflow manager"""
    id: str
    username: str
    email: str
    full_name: Optional[str] = None
    is_active: bool = True
    created_at: datetime = Field(default_factory=utc_now)


class UserCreate(BaseModel):
    """Request to register a user"""
    username: str = Field(..., max_length=NAME_MAX_LENGTH)
    email: str
    password: str


class UserLogin(BaseModel):
    """Request to log in"""
    username: str
    password: str


class UserResponse(BaseModel):
    """A user as the API returns it"""
    user: User
    access_token: Optional[str] = None

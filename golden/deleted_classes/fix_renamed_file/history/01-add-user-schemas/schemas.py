from datetime import datetime
from typing import Optional

from pydantic import BaseModel


class UserIn(BaseModel):
    email: str
    password: str
    full_name: Optional[str] = None


class UserOut(BaseModel):
    """What the API shows of a user: never the password."""

    id: int
    email: str
    full_name: Optional[str] = None


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class TokenData(BaseModel):
    user_id: Optional[int] = None
    expires_at: Optional[datetime] = None


class Page(BaseModel):
    number: int = 1
    size: int = 20

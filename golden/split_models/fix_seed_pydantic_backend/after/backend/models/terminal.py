from datetime import datetime

from pydantic import BaseModel, Field

from models.base import utc_now


# ---- terminal ----------------------------------------------------


class TerminalSession(BaseModel):
    """An interactive terminal attached to an instance"""
    session_id: str
    instance_id: str
    cols: int = 120
    rows: int = 40
    opened_at: datetime = Field(default_factory=utc_now)


class TerminalCommandRequest(BaseModel):
    """A command typed into a terminal"""
    session_id: str
    command: str


class TerminalOutput(BaseModel):
    """Output read from a terminal"""
    session_id: str
    data: str
    closed: bool = False

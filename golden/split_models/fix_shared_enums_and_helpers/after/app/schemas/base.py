from __future__ import annotations

import enum

from pydantic import BaseModel, ConfigDict

MAX_TITLE = 200


def _strip(value: str) -> str:
    """Titles are stored without surrounding whitespace."""
    return value.strip()


class Priority(enum.IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3


class OrmModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)

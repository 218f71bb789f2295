from datetime import datetime, timezone
from enum import Enum

NAME_MAX_LENGTH = 200
DEFAULT_MODEL = "claude-sonnet-4-20250514"


def utc_now() -> datetime:
    """Timestamps are stored in UTC."""
    return datetime.now(timezone.utc)


class InstanceStatus(str, Enum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    FAILED = "failed"


class LogType(str, Enum):
    INPUT = "input"
    OUTPUT = "output"
    ERROR = "error"
    STATUS = "status"
    TOOL_USE = "tool_use"

import enum

__all__ = ["Color"]


class Color(str, enum.Enum):
    RED = "red"
    BLUE = "blue"


class _Internal:
    pass

"""Small helpers shared by the routers."""
import re
from functools import lru_cache
from typing import List, TypeVar

from config import Settings

T = TypeVar("T")

__all__ = ["paginate", "slugify"]

#: The largest page a client may ask for.
MAX_PAGE_SIZE = 100


def paginate(items: List[T], page: int, size: int) -> List[T]:
    return items[(page - 1) * size : page * size]


# Slugs end up in URLs: keep them ASCII and lower case.
def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@lru_cache
def get_settings() -> Settings:
    """Read the settings once per process."""
    return Settings()

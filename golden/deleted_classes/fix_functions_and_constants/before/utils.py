"""Small helpers shared by the routers."""
from typing import List, TypeVar

T = TypeVar("T")

__all__ = ["paginate", "slugify"]


def paginate(items: List[T], page: int, size: int) -> List[T]:
    return items[(page - 1) * size : page * size]

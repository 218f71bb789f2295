import dataclasses
from typing import TYPE_CHECKING


@dataclasses.dataclass(frozen=True)
class Span:
    lower: int = 0
    upper: int = 0

    if TYPE_CHECKING:
        bounds: str = dataclasses.field(default="[)")
    else:
        bounds: str = dataclasses.field(default="[)", kw_only=True)

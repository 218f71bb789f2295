from __future__ import annotations

from typing import TYPE_CHECKING

from.config import CURRENCY
from . import util as u

if TYPE_CHECKING:
    from .api.views import OrderView

try:
    from ._speedups import fast_total
except ImportError:  # pure-Python fallback
    fast_total = None


class Customer:
    name = "anon"


class Order:
    currency = CURRENCY
    view: OrderView | None = None

    def total(self) -> str:
        from .util import money  # deferred
        return money(100) if fast_total is None else fast_total()

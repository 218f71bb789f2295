from __future__ import annotations

from typing import TYPE_CHECKING

from shop.config import CURRENCY
from shop import util as u

if TYPE_CHECKING:
    from shop.api.views import OrderView

try:
    from shop._speedups import fast_total
except ImportError:  # pure-Python fallback
    fast_total = None


class Customer:
    name = "anon"


class Order:
    currency = CURRENCY
    view: OrderView | None = None

    def total(self) -> str:
        from shop.util import money  # deferred
        return money(100) if fast_total is None else fast_total()

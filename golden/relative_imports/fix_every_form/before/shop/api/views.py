from .. import config
from ..models import (  # the domain
    Customer,
    # an order is what a customer buys
    Order,
)
from ..util import money; import os


class OrderView:
    def render(self, order: Order, customer: Customer) -> str:
        return f"{customer.name}: {money(1)} {config.CURRENCY} {os.sep}"

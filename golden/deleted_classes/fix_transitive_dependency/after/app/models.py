"""Billing models."""
from dataclasses import dataclass, field
from decimal import Decimal

DEFAULT_COUNTRY = "NL"


@dataclass
class Address:
    street: str
    city: str
    country: str = DEFAULT_COUNTRY


def _normalise_vat(number: str) -> str:
    return number.replace(" ", "").upper()


@dataclass
class Customer:
    """Someone we send invoices to."""

    name: str
    address: Address
    vat_number: str = ""
    tags: list = field(default_factory=list)

    def vat(self) -> str:
        return _normalise_vat(self.vat_number)


@dataclass
class Invoice:
    customer_name: str
    total: Decimal
    paid: bool = False

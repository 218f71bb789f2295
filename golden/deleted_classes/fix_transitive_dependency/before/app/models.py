"""Billing models."""
from dataclasses import dataclass
from decimal import Decimal


@dataclass
class Invoice:
    customer_name: str
    total: Decimal
    paid: bool = False

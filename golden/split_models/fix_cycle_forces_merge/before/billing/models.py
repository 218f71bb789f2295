"""Billing records: customers, invoices and the payments that settle them."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass
class Customer:
    id: int
    name: str
    email: str
    vat_id: str | None = None


@dataclass
class CustomerAddress:
    customer: Customer
    street: str
    city: str
    country: str = "DE"


@dataclass
class Invoice:
    number: str
    customer: Customer
    issued: date
    lines: list["InvoiceLine"] = field(default_factory=list)

    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    def settle(self, amount: Decimal, on: date) -> "Payment":
        # A runtime use of Payment: the invoice module needs the name when this runs.
        return Payment(invoice=self, amount=amount, received=on)


@dataclass
class InvoiceLine:
    description: str
    amount: Decimal


@dataclass
class Payment:
    invoice: Invoice
    amount: Decimal
    received: date

    def is_full(self) -> bool:
        return self.amount >= self.invoice.total()


@dataclass
class PaymentReminder:
    payment: Payment | None
    invoice: Invoice
    sent: date

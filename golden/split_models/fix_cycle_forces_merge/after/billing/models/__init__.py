"""Billing records: customers, invoices and the payments that settle them."""

from billing.models.customer import Customer, CustomerAddress
from billing.models.invoice import Invoice, InvoiceLine, Payment, PaymentReminder

__all__ = [
    "Customer",
    "CustomerAddress",
    "Invoice",
    "InvoiceLine",
    "Payment",
    "PaymentReminder",
]

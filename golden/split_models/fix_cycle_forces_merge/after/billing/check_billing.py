"""Start-up check: the merged module still settles invoices; the old import forms work."""

from datetime import date
from decimal import Decimal

import billing.models
from billing.models import Customer, Invoice, InvoiceLine, Payment

invoice = Invoice("2025-001", Customer(1, "ACME", "billing@acme.test"), date(2025, 10, 2))
invoice.lines.append(InvoiceLine("consulting", Decimal("100.00")))
payment = invoice.settle(Decimal("100.00"), date(2025, 10, 9))
assert isinstance(payment, Payment) and payment.is_full()
assert billing.models.PaymentReminder(None, invoice, date(2025, 10, 3)).invoice is invoice

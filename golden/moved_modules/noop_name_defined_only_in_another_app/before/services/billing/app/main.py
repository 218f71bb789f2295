from app.api import invoices

handlers = [invoices.delete_invoice]

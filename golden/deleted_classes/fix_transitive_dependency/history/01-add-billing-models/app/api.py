from .models import Customer as CustomerModel, Invoice


def open_invoice(customer: CustomerModel, total: str) -> Invoice:
    return Invoice(customer_name=customer.name, total=total)

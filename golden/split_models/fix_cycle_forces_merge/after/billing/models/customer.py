from dataclasses import dataclass


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

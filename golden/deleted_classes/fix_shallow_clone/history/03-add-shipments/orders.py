from dataclasses import dataclass


@dataclass
class Order:
    id: int
    customer: str


@dataclass
class OrderLine:
    order_id: int
    sku: str
    quantity: int = 1


@dataclass
class Shipment:
    order_id: int
    carrier: str

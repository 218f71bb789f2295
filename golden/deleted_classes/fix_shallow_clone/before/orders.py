from dataclasses import dataclass


@dataclass
class Order:
    id: int
    customer: str


@dataclass
class Shipment:
    order_id: int
    carrier: str

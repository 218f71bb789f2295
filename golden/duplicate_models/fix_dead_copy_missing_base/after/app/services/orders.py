from app.models.orders import Order


def by_reference(orders: list[Order], reference: str) -> Order | None:
    return next((o for o in orders if o.reference == reference), None)

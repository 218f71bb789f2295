from orders import Order, OrderLine, Shipment


def first_line(order: Order) -> OrderLine:
    return OrderLine(order_id=order.id, sku="?")


def refund(order: Order, amount: float):
    from orders import Refund

    return Refund(order_id=order.id, amount=amount)

from shop.api import OrderView
from shop.models import Order

print(OrderView().render(Order(), __import__("shop").Customer()))

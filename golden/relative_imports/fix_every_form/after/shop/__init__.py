"""The package itself: `.` is `shop` here."""
from shop import models
from shop.models import Order as Order, Customer  # re-exported
from shop.util import *

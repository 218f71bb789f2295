"""The package itself: `.` is `shop` here."""
from . import models
from .models import Order as Order, Customer  # re-exported
from .util import *

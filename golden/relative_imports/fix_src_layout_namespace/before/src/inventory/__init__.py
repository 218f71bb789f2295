from .core import Item

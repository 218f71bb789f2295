from inventory.core import Item

class Item:
    sku = "x"

class Order:
    total = 100

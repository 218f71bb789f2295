from helpers import money
from models import Order

if __name__ == "__main__":
    print(money(Order().total))

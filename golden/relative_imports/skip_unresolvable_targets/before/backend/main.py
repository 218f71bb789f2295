from routers import items

if __name__ == "__main__":
    print(items)

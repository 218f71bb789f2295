from routers import users  # also started as a script, but the user declared the root

if __name__ == "__main__":
    print(users)

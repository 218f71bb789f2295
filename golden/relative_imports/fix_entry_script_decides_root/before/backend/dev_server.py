from routers import users

if __name__ == "__main__":
    print(users.db)

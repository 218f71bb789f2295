class User:
    name = "anon"

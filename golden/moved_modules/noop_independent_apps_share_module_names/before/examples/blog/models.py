class Post:
    title = "hello"

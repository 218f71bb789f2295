from models import Post

if __name__ == "__main__":
    print(Post().title)

from app.helpers import slugify


def page_url(title: str) -> str:
    return f"/pages/{slugify(title)}"

from utils import slugify


def title(text: str) -> str:
    return slugify(text).title()

import utils
from utils import get_settings

settings = get_settings()


def list_posts(page: int = 1) -> list:
    from utils import MAX_PAGE_SIZE  # here to keep start-up fast

    return utils.paginate([], page, min(50, MAX_PAGE_SIZE))


def post_slug(title: str) -> str:
    return utils.slugify(title)

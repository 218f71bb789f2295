# No __init__.py in sansio/: a namespace folder inside the package.
from ..core import Item
from .events import Event


def make() -> tuple[Item, Event]:
    return Item(), Event()

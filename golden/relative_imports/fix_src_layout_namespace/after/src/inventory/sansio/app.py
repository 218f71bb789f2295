# No __init__.py in sansio/: a namespace folder inside the package.
from inventory.core import Item
from inventory.sansio.events import Event


def make() -> tuple[Item, Event]:
    return Item(), Event()

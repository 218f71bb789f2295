from .cli import main


class App:
    run = staticmethod(main)

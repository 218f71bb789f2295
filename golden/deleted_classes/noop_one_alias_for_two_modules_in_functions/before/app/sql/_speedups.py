"""Anonymous name maps, with a compiled twin."""


class anon_map(dict):
    """Gives each object a stable anonymous name."""

"""Compare the implementations: each function imports its own `_speedups`."""


def getter():
    from app.engine import _speedups

    return _speedups.tuple_getter(0)


def names():
    from app.sql import _speedups

    return _speedups.anon_map()

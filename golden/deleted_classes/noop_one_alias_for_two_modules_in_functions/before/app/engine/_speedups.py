"""Row helpers, with a compiled twin."""


def tuple_getter(index):
    return lambda row: row[index]

"""Migration operations (the old, hand-written module)."""


def add_column(table, column):
    print "adding", column
    return None

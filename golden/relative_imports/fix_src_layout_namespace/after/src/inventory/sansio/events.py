class Event:
    pass

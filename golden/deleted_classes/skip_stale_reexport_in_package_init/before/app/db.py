class Database:
    engine = None

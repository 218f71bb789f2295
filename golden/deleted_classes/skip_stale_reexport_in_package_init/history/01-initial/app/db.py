class SQLA:
    engine = None

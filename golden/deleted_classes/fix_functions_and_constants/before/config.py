class Settings:
    debug = False
    database_url = "sqlite://"

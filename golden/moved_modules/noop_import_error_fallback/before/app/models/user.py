class User:
    table = "users"


class LegacyUser:
    table = "legacy_users"

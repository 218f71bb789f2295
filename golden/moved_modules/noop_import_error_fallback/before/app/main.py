from app.models.user import User

try:
    from app.models.legacy import LegacyUser
except ImportError:  # deployments without the legacy tables
    LegacyUser = None


def tables() -> list[str]:
    names = [User.table]
    if LegacyUser is not None:
        names.append(LegacyUser.table)
    return names

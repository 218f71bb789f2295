def get_token() -> str:
    return "token"

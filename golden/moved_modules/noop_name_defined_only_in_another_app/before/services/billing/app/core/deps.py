def get_db() -> dict[str, object]:
    return {}

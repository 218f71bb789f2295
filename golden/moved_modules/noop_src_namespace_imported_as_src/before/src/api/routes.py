from src.core.db import engine


def handle() -> str:
    return f"using {engine}"

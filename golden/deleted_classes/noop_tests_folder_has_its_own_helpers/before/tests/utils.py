def make_user(name: str = "ada") -> dict[str, str]:
    return {"name": name}

from dataclasses import dataclass


@dataclass
class User:
    name: str = ""
    is_admin: bool = False

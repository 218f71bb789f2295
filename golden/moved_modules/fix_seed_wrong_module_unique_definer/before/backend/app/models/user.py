from dataclasses import dataclass


@dataclass
class User:
    id: int
    email: str
    is_admin: bool = False

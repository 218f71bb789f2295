from dataclasses import dataclass


@dataclass
class Folder:
    name: str

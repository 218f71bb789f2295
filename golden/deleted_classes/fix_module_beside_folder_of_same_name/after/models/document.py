from dataclasses import dataclass


@dataclass
class Document:
    title: str
    body: str = ""

from dataclasses import dataclass


@dataclass
class Document:
    title: str
    body: str = ""


@dataclass
class Folder:
    name: str

from dataclasses import dataclass, field


@dataclass
class StoredFile:
    filename: str
    content_type: str
    size_bytes: int
    tags: list[str] = field(default_factory=list)

from uploads.records import StoredFile


def store(name: str, data: bytes, kind: str) -> StoredFile:
    # The record keeps what the client sent.
    return StoredFile(
        file_name=name,
        content_type=kind,
        size_bytes=len(data),
        tags=[],
    )

import models
from models.auth import (
    SSHKeyInfo,  # one key as listed
    SSHKeyListResponse,
)


def list_keys(keys: list[SSHKeyInfo] | None = None) -> SSHKeyListResponse:
    return SSHKeyListResponse(keys=keys or [])


def default_model() -> models.ModelInfo:
    return models.ModelInfo(id="claude-sonnet-4", context_window=200_000)

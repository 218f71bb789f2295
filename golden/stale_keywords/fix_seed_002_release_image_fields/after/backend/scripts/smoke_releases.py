"""Smoke check run in CI: a release built the way the API builds it keeps its image fields."""

from datetime import datetime
from types import SimpleNamespace

from app.api.v1.endpoints.releases import get_latest_release, list_releases

image = SimpleNamespace(name="erik", repository="docker.io/warlockee/test")
release = SimpleNamespace(
    id=1, version="1.0.0", notes=None, image_id=7, created_at=datetime(2025, 11, 20), image=image
)
shown = list_releases([release])[0].model_dump()
assert shown["image_name"] == "erik", shown
assert get_latest_release([release]).model_dump()["image_repository"] == image.repository

from app.models import Release
from app.schemas import ReleaseOut


def create(session, payload: dict) -> Release:
    release = Release(**payload)
    session.add(release)
    return release


def labels(release) -> dict:
    return release.metadata.get("labels", {})


def serialise(release: Release) -> ReleaseOut:
    return ReleaseOut.model_validate(release)

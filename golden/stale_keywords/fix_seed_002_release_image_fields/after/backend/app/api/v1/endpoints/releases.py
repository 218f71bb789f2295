"""Release endpoints: every response carries the image's name and repository."""

from typing import Optional

from app.schemas import ReleaseWithImage


def _with_image(release) -> ReleaseWithImage:
    return ReleaseWithImage(
        id=release.id,
        version=release.version,
        notes=release.notes,
        image_id=release.image_id,
        created_at=release.created_at,
        image_name=release.image.name if release.image else None,
        image_repository=release.image.repository if release.image else None,
    )


def list_releases(releases: list) -> list[ReleaseWithImage]:
    return [_with_image(release) for release in releases]


def get_latest_release(releases: list) -> Optional[ReleaseWithImage]:
    if not releases:
        return None
    latest = max(releases, key=lambda r: r.created_at)
    return ReleaseWithImage(
        id=latest.id,
        version=latest.version,
        notes=latest.notes,
        image_id=latest.image_id,
        created_at=latest.created_at,
        image_name=latest.image.name if latest.image else None,  # shown on the dashboard
        image_repository=latest.image.repository if latest.image else None,
    )

from app.schemas.release import Release, ReleaseCreate, ReleaseWithImage

__all__ = ["Release", "ReleaseCreate", "ReleaseWithImage"]

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from registry_api.db import Base


class Image(Base):
    __tablename__ = "images"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    metadata: Mapped[dict] = mapped_column(
        JSON,
        default=dict,
    )
    registry: Mapped[str | None] = mapped_column("registry_url", String(500))
    meta_data: Mapped[str | None]  # legacy free-text notes, already taken

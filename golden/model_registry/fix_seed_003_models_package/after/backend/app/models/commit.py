import enum
import uuid

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.database import Base


class CommitType(str, enum.Enum):
    FEAT = "feat"
    FIX = "fix"
    DOCS = "docs"


class Commit(Base):
    """A conventional commit recorded for a project."""

    __tablename__ = "commits"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    type: Mapped[CommitType] = mapped_column(Enum(CommitType))
    message: Mapped[str] = mapped_column(String(500))

    project: Mapped["Project"] = relationship(back_populates="commits")

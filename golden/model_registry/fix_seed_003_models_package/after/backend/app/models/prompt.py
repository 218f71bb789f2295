import uuid

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.database import Base


class Prompt(Base):
    __tablename__ = "prompts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    # Versions point at the prompt they revise.
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("prompts.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    content: Mapped[str] = mapped_column(Text)

    project: Mapped["Project"] = relationship(back_populates="prompts")
    tasks: Mapped[list["Task"]] = relationship(back_populates="prompt")

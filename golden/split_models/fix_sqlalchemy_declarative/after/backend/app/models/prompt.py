from typing import TYPE_CHECKING, Optional

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import ID_LENGTH, Base, TimestampMixin, new_id

if TYPE_CHECKING:
    from app.models.project import Project


# Prompts (self-referential versioning) --------------------------------------


class Prompt(TimestampMixin, Base):
    __tablename__ = "prompts"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"))
    parent_id: Mapped[Optional[str]] = mapped_column(ForeignKey("prompts.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    content: Mapped[str] = mapped_column(Text)

    project: Mapped["Project"] = relationship(back_populates="prompts")
    parent: Mapped[Optional["Prompt"]] = relationship(remote_side="Prompt.id", back_populates="versions")
    versions: Mapped[list["Prompt"]] = relationship(back_populates="parent")


class PromptTemplate(Base):
    __tablename__ = "prompt_templates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    body: Mapped[str] = mapped_column(Text)

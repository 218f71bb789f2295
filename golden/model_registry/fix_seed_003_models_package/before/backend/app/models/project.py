import uuid

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.database import Base


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)

    interviews: Mapped[list["Interview"]] = relationship(back_populates="project")
    prompts: Mapped[list["Prompt"]] = relationship(back_populates="project")
    tasks: Mapped[list["Task"]] = relationship(back_populates="project", lazy="selectin")
    commits: Mapped[list["Commit"]] = relationship(back_populates="project")
    chat_sessions: Mapped[list["ChatSession"]] = relationship(back_populates="project")

import enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import ID_LENGTH, Base, TimestampMixin, new_id

if TYPE_CHECKING:
    from app.models.project import Project


class InterviewStatus(str, enum.Enum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


# Interviews -----------------------------------------------------------------


class Interview(TimestampMixin, Base):
    __tablename__ = "interviews"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    status: Mapped[InterviewStatus] = mapped_column(Enum(InterviewStatus), default=InterviewStatus.IN_PROGRESS)
    conversation: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    project: Mapped["Project"] = relationship(back_populates="interviews")
    answers: Mapped[list["InterviewAnswer"]] = relationship(back_populates="interview")


class InterviewAnswer(Base):
    __tablename__ = "interview_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[str] = mapped_column(ForeignKey("interviews.id"))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)

    interview: Mapped["Interview"] = relationship(back_populates="answers")

from sqlalchemy import Column, Integer

from app.db.base_class import Base


class Scratch(Base):
    """A table only the tests create."""

    __tablename__ = "scratch"

    id = Column(Integer, primary_key=True)


def test_scratch_is_mapped() -> None:
    assert "scratch" in Base.metadata.tables

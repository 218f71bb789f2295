"""A tutorial step, run on its own: `python tutorial/hero.py`."""

from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Hero(Base):
    __tablename__ = "hero"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


if __name__ == "__main__":
    print(Hero(name="Deadpond").name)

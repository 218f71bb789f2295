from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """The declarative base every model shares."""

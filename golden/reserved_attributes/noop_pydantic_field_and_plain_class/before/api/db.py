from sqlalchemy import Column, Integer, MetaData
from sqlalchemy.orm import declarative_base

Base = declarative_base(metadata=MetaData(schema="events"))


class Event(Base):
    __tablename__ = "events"

    id = Column(Integer, primary_key=True)
    extra_data = Column("metadata", Integer)


def create_tables(engine) -> None:
    Base.metadata.create_all(engine)
    Event.metadata.create_all(engine)

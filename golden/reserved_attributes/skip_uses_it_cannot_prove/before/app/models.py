from sqlalchemy import JSON, Column, Integer, String
from sqlalchemy.orm import declarative_base


class _Base:
    def to_dict(self) -> dict:
        # Reads every column by its name: a renamed attribute keeps its column name.
        return {column.name: getattr(self, column.name) for column in self.__table__.columns}


Base = declarative_base(cls=_Base)


class Release(Base):
    __tablename__ = "releases"

    id = Column(Integer, primary_key=True)
    version = Column(String(50), nullable=False)
    metadata = Column(JSON, default=dict)

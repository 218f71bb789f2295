from sqlalchemy import MetaData


class Document:
    """Not a declarative model: `metadata` and `registry` are its own business."""

    metadata = {"kind": "document"}
    registry = None

    def describe(self) -> dict:
        return self.metadata


class Schema:
    __tablename__ = None  # a plain attribute, not a SQLAlchemy table
    metadata = MetaData()

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # A MetaData assigned on the base itself is what `metadata` is for.
    metadata = MetaData(naming_convention={"pk": "pk_%(table_name)s"})

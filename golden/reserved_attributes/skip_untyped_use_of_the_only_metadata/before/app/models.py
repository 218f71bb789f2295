from sqlalchemy import JSON, Column, Integer, Numeric
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Invoice(Base):
    __tablename__ = "invoices"

    id = Column(Integer, primary_key=True)
    total = Column(Numeric(10, 2), nullable=False)
    metadata = Column(JSON, default=dict)

from sqlalchemy import Column, Integer, String

from app.db.base_class import Base


class Device(Base):
    __tablename__ = "devices"

    id = Column(Integer, primary_key=True)
    hostname = Column(String(255), nullable=False)
    location = Column(String(255), nullable=True)

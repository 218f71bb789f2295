from sqlalchemy import Column, Integer, String

from app.models.base import Base


class Device(Base):
    __tablename__ = "devices"

    id = Column(Integer, primary_key=True)
    hostname = Column(String(255), nullable=False)
    kind = Column(String(50), nullable=False, default="server")

from sqlalchemy import Column, Integer, String

from app.models.base import Base


class User(Base):
    __tablename__ = "users"
    __table_args__ = {"extend_existing": True}

    id = Column(Integer, primary_key=True)
    email = Column(String(100), nullable=False)
    nickname = Column(String(50), nullable=True)

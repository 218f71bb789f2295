"""Users, as the auth module first defined them."""

from sqlalchemy import Column, Integer, String

from ..models.base import Base


class User(Base):
    __tablename__ = "users"

    id = Column(Integer, primary_key=True)
    email = Column(String(255), nullable=False)
    api_token = Column(String(64), nullable=True)

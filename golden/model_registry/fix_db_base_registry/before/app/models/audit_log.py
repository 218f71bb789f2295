from sqlalchemy import Column, DateTime, Integer, String

from app.db.base_class import Base


class AuditLog(Base):
    __tablename__ = "audit_logs"

    id = Column(Integer, primary_key=True, index=True)
    action = Column(String, nullable=False)
    at = Column(DateTime, nullable=False)

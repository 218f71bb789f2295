from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import User


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email)).first()

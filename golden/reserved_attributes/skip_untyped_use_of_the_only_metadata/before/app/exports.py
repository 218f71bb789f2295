from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Invoice


def export_all(db: Session) -> list[dict]:
    return [export_row(invoice) for invoice in db.scalars(select(Invoice))]


def export_row(row) -> dict:
    # Untyped, and nothing but Invoice has a `metadata` in this project: probably an Invoice.
    return {"id": row.id, "total": str(row.total), "metadata": row.metadata}

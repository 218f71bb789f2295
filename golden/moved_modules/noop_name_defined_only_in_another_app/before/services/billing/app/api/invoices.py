from app.core.deps import get_db, require_admin


def delete_invoice(invoice_id: int) -> int:
    require_admin(get_db())
    return invoice_id

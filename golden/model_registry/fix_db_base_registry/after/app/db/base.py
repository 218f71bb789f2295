# Import all the models, so that Base has them before being
# imported by Alembic
from app.db.base_class import Base  # noqa
from app.models.audit_log import AuditLog  # noqa
from app.models.item import Item  # noqa
from app.models.token import Token  # noqa
from app.models.user import User  # noqa

# Import all the models, so that Base has them before being imported by Alembic
from app.db.base_class import Base  # noqa
from app.models.project import Project  # noqa
from app.models.tag_link import project_tags  # noqa
from app.models.task import Task  # noqa

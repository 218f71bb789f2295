from .projects import router as projects_router
from .tasks import router as tasks_router

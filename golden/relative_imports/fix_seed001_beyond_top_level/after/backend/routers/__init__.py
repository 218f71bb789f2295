from routers.projects import router as projects_router
from routers.tasks import router as tasks_router

from app.schemas.project import ProjectCreate, ProjectResponse

__all__ = ["ProjectCreate", "ProjectResponse"]

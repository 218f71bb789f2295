from ..models.database_models import ProjectFile


def describe(file: ProjectFile) -> str:
    size = (file.metadata or {}).get("size", 0)
    return f"{file.path} ({size} bytes)"


def new_file(project_id: int, path: str, size: int) -> ProjectFile:
    return ProjectFile(project_id=project_id, path=path, metadata={"size": size})

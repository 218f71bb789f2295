from app.schemas import ImageOut


def show(row) -> ImageOut:
    return ImageOut(id=row.id, image=row.name)

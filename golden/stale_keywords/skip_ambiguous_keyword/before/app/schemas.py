from typing import Optional

from pydantic import BaseModel


class ImageOut(BaseModel):
    id: int
    image_name: Optional[str] = None
    image_tag: Optional[str] = None
    image_repository: Optional[str] = None

from typing import Optional

from sqlmodel import Field, SQLModel


class Checkpoint(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    model_path: str

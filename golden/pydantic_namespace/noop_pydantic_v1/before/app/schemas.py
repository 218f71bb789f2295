from pydantic import BaseModel


class ModelInfo(BaseModel):
    model_name: str

    class Config:
        orm_mode = True

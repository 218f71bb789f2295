from pydantic import BaseModel


class Prediction(BaseModel):
    model_name: str
    score: float

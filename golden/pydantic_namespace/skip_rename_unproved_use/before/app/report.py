from app.schemas import Prediction


def best(predictions: list[Prediction]):
    top = max(predictions, key=lambda p: p.score)
    return top.model_name


def as_rows(predictions: list[Prediction]) -> list[dict]:
    return [p.model_dump() for p in predictions]

from typing import List

from pydantic import BaseModel


class ModelInfo(BaseModel):
    model_config = {"protected_namespaces": ()}
    id: str
    context_window: int


class AvailableModelsResponse(BaseModel):
    models: List[ModelInfo]
    default_model_id: str


class ModelSettingsRequest(BaseModel):
    model_id: str

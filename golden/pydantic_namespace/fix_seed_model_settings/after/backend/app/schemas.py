from typing import Optional

from pydantic import BaseModel, ConfigDict


class ModelInfo(BaseModel):
    """A model the user can pick for new instances."""

    model_config = ConfigDict(protected_namespaces=())
    model_id: str
    name: str
    description: str
    context_window: int
    is_default: bool = False


class AvailableModelsResponse(BaseModel):
    models: list[ModelInfo]
    default_model_id: str


class ModelSettingsRequest(BaseModel):
    model_config = ConfigDict(
        str_strip_whitespace=True,
        protected_namespaces=(),
    )

    model_id: str
    max_tokens: Optional[int] = None


class ModelSettingsResponse(ModelSettingsRequest):
    model_updated: bool = True

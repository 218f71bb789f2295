from typing import List

from pydantic import BaseModel

from models.base import DEFAULT_MODEL


# ---- model -------------------------------------------------------


class ModelInfo(BaseModel):
    """Information about an LLM model"""
    model_config = {'protected_namespaces': ()}  # Suppress Pydantic warning
    id: str
    name: str
    description: str
    context_window: int
    is_default: bool = False


class AvailableModelsResponse(BaseModel):
    """Response with available models"""
    models: List[ModelInfo]
    default_model_id: str = DEFAULT_MODEL


class ModelSettingsRequest(BaseModel):
    """Request to update model settings"""
    model_id: str


class ModelSettingsResponse(BaseModel):
    """Response after updating model settings"""
    success: bool
    model_id: str
    message: str

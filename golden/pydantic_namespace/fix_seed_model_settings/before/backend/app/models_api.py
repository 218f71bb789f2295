from app.schemas import AvailableModelsResponse, ModelInfo, ModelSettingsRequest

MODELS = [
    ModelInfo(
        model_id="claude-sonnet-4",
        name="Claude Sonnet 4",
        description="Fast and capable",
        context_window=200_000,
        is_default=True,
    ),
]


def available_models() -> AvailableModelsResponse:
    return AvailableModelsResponse(models=MODELS, default_model_id=MODELS[0].model_id)


def update_settings(request: ModelSettingsRequest) -> str:
    return request.model_id

from pydantic import BaseModel, ConfigDict


class RegistryModel(BaseModel):
    """The project's base: fields may use the model_ prefix."""

    model_config = ConfigDict(protected_namespaces=())


class ModelCard(RegistryModel):
    model_name: str
    model_family: str


class Plain:
    model_name: str = "not a Pydantic model"

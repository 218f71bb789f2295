from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    model_config = ConfigDict(protected_namespaces=("model_",))

    model_name: str


class Schema(BaseModel):
    model_fields: list[str]

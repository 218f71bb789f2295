from pydantic import BaseModel, ConfigDict, Field


class Deployment(BaseModel):
    """A model deployed to one environment."""

    model_config = ConfigDict(populate_by_name=True)
    environment: str
    name: str = Field(..., max_length=200, alias="model_name")
    version: str = Field("latest", alias="model_version")

    def label(self) -> str:
        return f"{self.name}:{self.version}@{self.environment}"

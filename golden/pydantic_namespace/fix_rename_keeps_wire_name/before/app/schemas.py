from pydantic import BaseModel, Field


class Deployment(BaseModel):
    """A model deployed to one environment."""

    environment: str
    model_name: str = Field(..., max_length=200)
    model_version: str = "latest"

    def label(self) -> str:
        return f"{self.model_name}:{self.model_version}@{self.environment}"

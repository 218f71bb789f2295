from pydantic import AliasChoices, BaseModel, ConfigDict, Field


class FileCreate(BaseModel):
    project_id: int
    filename: str
    metadata: dict | None = None


class FileResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    # The API calls it metadata; the response is read from the ORM object.
    metadata: dict | None = Field(default=None, validation_alias=AliasChoices("meta_data", "metadata"))

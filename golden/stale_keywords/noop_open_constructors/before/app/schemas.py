from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.vendor_base import VendorModel


class Event(BaseModel):
    model_config = ConfigDict(extra="allow")

    kind: str


class LegacyPayload(BaseModel):
    body: str

    @model_validator(mode="before")
    @classmethod
    def accept_old_names(cls, data: Any) -> Any:
        if isinstance(data, dict) and "text" in data:
            data = {**data, "body": data.pop("text")}
        return data


class Tagged(BaseModel):
    label: str = Field(alias="name")


class Custom(BaseModel):
    value: int

    def __init__(self, **data: Any) -> None:
        data.setdefault("value", data.pop("amount", 0))
        super().__init__(**data)


class Mixed(VendorModel):
    title: str

from typing import List

from pydantic import BaseModel


class Prompt(BaseModel):
    id: str
    text: str


class SpecificationDesign(BaseModel):
    """Added by the feature commit, which dropped the models below it."""

    name: str
    steps: List[str] = []

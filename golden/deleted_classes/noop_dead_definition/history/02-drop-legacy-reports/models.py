from typing import List

from pydantic import BaseModel


class Prompt(BaseModel):
    name: str
    content: str


class PromptListResponse(BaseModel):
    prompts: List[Prompt]
    total: int

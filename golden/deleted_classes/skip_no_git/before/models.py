from typing import List

from pydantic import BaseModel


class Prompt(BaseModel):
    name: str
    content: str


class PromptPage(BaseModel):
    prompts: List[Prompt]
    total: int

from fastapi import FastAPI

from models import Prompt, PromptListResponse

app = FastAPI()

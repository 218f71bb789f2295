from fastapi import FastAPI

from models import Prompt, PromtListResponse

app = FastAPI()

from fastapi import FastAPI

from models import Prompt

app = FastAPI()

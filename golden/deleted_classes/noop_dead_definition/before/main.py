from fastapi import FastAPI

from models import Prompt, PromptListResponse

app = FastAPI()


@app.get("/health")
async def health() -> dict:
    return {"ok": True}

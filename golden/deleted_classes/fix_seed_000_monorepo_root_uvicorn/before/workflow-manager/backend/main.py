"""The backend's API; the container starts it with `uvicorn main:app` from this folder."""
from fastapi import FastAPI

from models import LogAnalytics, PromptListResponse, SSHKeyInfo

app = FastAPI(title="Workflow Manager")


@app.get("/api/prompts", response_model=PromptListResponse)
async def list_prompts() -> PromptListResponse:
    return PromptListResponse(prompts=[], total=0)


@app.get("/api/keys", response_model=list[SSHKeyInfo])
async def list_keys() -> list[SSHKeyInfo]:
    return []


@app.get("/api/analytics", response_model=LogAnalytics)
async def analytics() -> LogAnalytics:
    return LogAnalytics(instance_id="-", total_interactions=0)

from fastapi import APIRouter

from app.schemas import action as action_schemas
from app.schemas.actions import ActionRead

router = APIRouter()


@router.post("/actions", response_model=ActionRead)
def create_action(body: action_schemas.ActionCreate) -> dict[str, object]:
    return {"id": 1, "created_at": "2025-01-01T00:00:00", **body.model_dump()}


@router.patch("/actions/{action_id}", response_model=ActionRead)
def update_action(action_id: int, body: action_schemas.ActionUpdate) -> dict[str, object]:
    return {"id": action_id, "created_at": "2025-01-01T00:00:00", **body.model_dump(exclude_unset=True)}

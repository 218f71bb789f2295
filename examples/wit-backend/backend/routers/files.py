from fastapi import APIRouter

from .. import config

router = APIRouter(prefix="/api/v1/files", tags=["files"])


@router.get("/upload-dir")
async def upload_dir() -> str:
    return config.UPLOAD_DIR

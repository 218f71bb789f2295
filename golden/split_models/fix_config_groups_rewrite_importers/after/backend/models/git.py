from typing import List, Optional

from pydantic import BaseModel


class GitValidationRequest(BaseModel):
    git_repo: str


class GitBranchesResponse(BaseModel):
    branches: List[str]
    default_branch: Optional[str] = None

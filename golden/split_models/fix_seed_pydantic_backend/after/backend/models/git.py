from typing import List, Optional

from pydantic import BaseModel


# ---- git ---------------------------------------------------------


class GitValidationRequest(BaseModel):
    """Request to validate a Git repository"""
    git_repo: str


class GitValidationResponse(BaseModel):
    """Response from Git validation"""
    accessible: bool
    message: str
    default_branch: Optional[str] = None


class GitBranchesResponse(BaseModel):
    """Response with Git branches"""
    branches: List[str]
    default_branch: Optional[str] = None


class GitConnectionTestRequest(BaseModel):
    """Request to test a Git connection"""
    git_repo: str
    use_ssh_agent: bool = True
    key_id: Optional[str] = None

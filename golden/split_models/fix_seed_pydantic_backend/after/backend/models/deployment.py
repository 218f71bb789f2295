from datetime import datetime

from pydantic import BaseModel, Field

from models.base import InstanceStatus, utc_now


# ---- deployment --------------------------------------------------


class Deployment(BaseModel):
    """A deployment of the backend to a host"""
    id: str
    host: str
    commit: str
    status: InstanceStatus = InstanceStatus.READY
    started_at: datetime = Field(default_factory=utc_now)


class DeploymentCreate(BaseModel):
    """Request to deploy a commit"""
    host: str
    commit: str


class DeploymentStatusResponse(BaseModel):
    """Health of a deployment"""
    deployment: Deployment
    healthy: bool
    checks: int = 0

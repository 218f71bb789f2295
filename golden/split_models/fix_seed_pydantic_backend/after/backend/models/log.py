from datetime import datetime
from typing import Any, Dict, List, Optional

from pydantic import BaseModel

from models.base import LogType
from models.instance import InstanceLog


class LogListResponse(BaseModel):
    """Response model for listing logs"""
    logs: List[InstanceLog]
    total: int


class LogAnalytics(BaseModel):
    """Analytics data for instance logs"""
    instance_id: str
    total_interactions: int
    total_tokens: int
    token_breakdown: Optional['TokenUsage'] = None
    total_cost_usd: Optional[float] = None
    error_count: int
    subagents_used: List[str]
    interaction_timeline: List[Dict[str, Any]]
    success_rate: float


class LogFilter(BaseModel):
    """Filter for querying logs"""
    instance_id: Optional[str] = None
    log_type: Optional[LogType] = None
    since: Optional[datetime] = None


class TokenUsage(BaseModel):
    """Token counts of one instance"""
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    total_tokens: int = 0

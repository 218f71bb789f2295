from typing import Dict, List, Optional

from pydantic import BaseModel


# ---- subagent ----------------------------------------------------


class Subagent(BaseModel):
    """A subagent definition stored in .claude/agents"""
    id: str
    name: str
    description: str
    system_prompt: str
    capabilities: List[str] = []


class SubagentCreate(BaseModel):
    """Request to create a subagent"""
    name: str
    description: str
    system_prompt: str


class SubagentListResponse(BaseModel):
    """Response model for listing subagents"""
    subagents: List[Subagent]
    total: int


class DetectSubagentsRequest(BaseModel):
    """Request to detect subagents mentioned in a prompt"""
    prompt_content: str
    workflow_id: Optional[str] = None


class AgentFormatExamplesResponse(BaseModel):
    """Response with agent format examples"""
    examples: Dict[str, str]
    subagent: Optional[Subagent] = None

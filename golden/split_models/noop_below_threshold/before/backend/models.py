"""A models.py well under the 500-line threshold: fixup leaves it alone."""

from typing import List, Optional

from pydantic import BaseModel


class Prompt(BaseModel):
    id: str
    name: Optional[str] = None
    tags: List[str] = []


class PromptListResponse(BaseModel):
    id: str
    name: Optional[str] = None
    tags: List[str] = []


class Instance(BaseModel):
    id: str
    name: Optional[str] = None
    tags: List[str] = []


class InstanceListResponse(BaseModel):
    id: str
    name: Optional[str] = None
    tags: List[str] = []


class Subagent(BaseModel):
    id: str
    name: Optional[str] = None
    tags: List[str] = []


class SubagentListResponse(BaseModel):
    id: str
    name: Optional[str] = None
    tags: List[str] = []


class GitValidationRequest(BaseModel):
    id: str
    name: Optional[str] = None
    tags: List[str] = []


class GitValidationResponse(BaseModel):
    id: str
    name: Optional[str] = None
    tags: List[str] = []


class SSHKeyInfo(BaseModel):
    id: str
    name: Optional[str] = None
    tags: List[str] = []


class SSHKeyListResponse(BaseModel):
    id: str
    name: Optional[str] = None
    tags: List[str] = []

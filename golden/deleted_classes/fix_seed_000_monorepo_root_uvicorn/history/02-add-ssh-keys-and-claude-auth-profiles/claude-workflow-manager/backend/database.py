"""In-memory storage used by the API (a database in production)."""
from typing import Dict, List

from models import ClaudeAuthProfile, OrchestrationDesign


class Database:
    def __init__(self) -> None:
        self.designs: Dict[str, OrchestrationDesign] = {}
        self.profiles: Dict[str, ClaudeAuthProfile] = {}

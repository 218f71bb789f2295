"""In-memory storage used by the API (a database in production)."""
from typing import Dict, List

from models import ClaudeAuthProfile, OrchestrationDesign, OrchestrationDesignVersion


class Database:
    def __init__(self) -> None:
        self.designs: Dict[str, OrchestrationDesign] = {}
        self.design_versions: Dict[str, List[OrchestrationDesignVersion]] = {}
        self.profiles: Dict[str, ClaudeAuthProfile] = {}

    def save_version(self, design_id: str, version: OrchestrationDesignVersion) -> None:
        self.design_versions.setdefault(design_id, []).append(version)

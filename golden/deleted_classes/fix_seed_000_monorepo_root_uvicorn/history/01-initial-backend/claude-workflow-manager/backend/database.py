"""In-memory storage used by the API (a database in production)."""
from typing import Dict, List

from models import OrchestrationDesign


class Database:
    def __init__(self) -> None:
        self.designs: Dict[str, OrchestrationDesign] = {}

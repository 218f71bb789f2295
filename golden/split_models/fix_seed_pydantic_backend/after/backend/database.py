"""Storage of orchestration designs (an in-memory stand-in for MongoDB)."""

import models
from models import OrchestrationDesignVersion


class Database:
    def __init__(self) -> None:
        self.designs: dict[str, models.OrchestrationDesign] = {}

    def save_version(self, design_id: str, version: OrchestrationDesignVersion) -> None:
        design = self.designs[design_id]
        design.versions.append(version)

    def instance_status(self, value: str) -> models.InstanceStatus:
        return models.InstanceStatus(value)

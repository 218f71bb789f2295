"""Start-up check: every import form the app uses works and the models build."""

from datetime import datetime

import models
from models import *  # noqa: F403
from models import LogAnalytics, OrchestrationDesign

analytics = LogAnalytics(
    instance_id="i-1",
    total_interactions=3,
    total_tokens=120,
    token_breakdown={"input_tokens": 100, "output_tokens": 20},
    error_count=0,
    subagents_used=[],
    interaction_timeline=[],
    success_rate=1.0,
)
assert analytics.token_breakdown is not None and analytics.token_breakdown.input_tokens == 100
design = OrchestrationDesign(
    name="d", description="", blocks=[], connections=[],
    versions=[{"version": 1, "name": "d", "description": "", "blocks": [], "connections": [], "saved_at": datetime(2025, 10, 2)}],
)
assert design.versions[0].version == 1
assert SpecDocument(id="s", title="t", sections=[{"heading": "h", "body": "b"}]).sections[0].heading == "h"  # noqa: F405
assert models.InstanceStatus.READY.value == "ready"
assert models.DEFAULT_MODEL == ModelSettingsRequest(model_id=models.DEFAULT_MODEL).model_id  # noqa: F405

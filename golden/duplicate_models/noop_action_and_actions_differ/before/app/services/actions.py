from app.services.action import ActionRunner


class ActionRegistry:
    """Every action the agent knows, by name."""

    def __init__(self) -> None:
        self.runners: dict[str, ActionRunner] = {}

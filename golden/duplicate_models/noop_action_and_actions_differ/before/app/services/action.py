class ActionRunner:
    """Runs one action on an agent."""

    def run(self, name: str) -> str:
        return f"ran {name}"

from app.models.actions import Action


def next_actions(actions: list[Action]) -> list[Action]:
    return sorted(actions, key=lambda action: action.priority, reverse=True)

"""The first routers; app.main no longer serves them."""

from app.auth.models import User
from app.models import device as device_models
from app.models.action import Action


def action_names(actions: list[Action]) -> list[str]:
    return [action.name for action in actions]


def hostnames(devices: list[device_models.Device]) -> list[str]:
    return [device.hostname for device in devices]


def emails(users: list[User]) -> list[str]:
    return [user.email for user in users]

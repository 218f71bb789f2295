from unittest import mock

from app.legacy import routers
from app.models.rule import Rule


def test_action_names() -> None:
    with mock.patch("app.models.action.Action") as action:
        action.name = "restart"
        assert routers.action_names([action]) == ["restart"]


def test_rule_model() -> None:
    assert Rule.__tablename__ == "rules"

from unittest import mock

from opmas_mgmt_api.services import action_service


def test_record_result_adds_to_session() -> None:
    session = mock.Mock()
    with mock.patch("opmas_mgmt_api.models.action.ActionResult") as result:
        action_service.record_result(session, 1, {"ok": True})
    assert result is not None

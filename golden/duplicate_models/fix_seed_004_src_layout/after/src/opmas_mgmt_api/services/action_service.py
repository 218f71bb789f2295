from sqlalchemy.orm import Session

from opmas_mgmt_api.models.actions import Action, ActionResult


def list_actions(session: Session) -> list[Action]:
    return session.query(Action).order_by(Action.name).all()


def record_result(session: Session, action_id: int, output: dict) -> ActionResult:
    result = ActionResult(action_id=action_id, output=output)
    session.add(result)
    return result

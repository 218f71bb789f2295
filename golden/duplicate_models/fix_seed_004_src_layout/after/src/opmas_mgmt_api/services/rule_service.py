from sqlalchemy.orm import Session

from opmas_mgmt_api.models import rules as rule


def enabled_rules(session: Session) -> list["rule.Rule"]:
    rules = session.query(rule.Rule).all()
    return [r for r in rules if r.name]

from sqlalchemy.orm import Session

from ..models.finding import Finding
from ..models.rules import Rule


def open_findings(session: Session, rule: Rule) -> list[Finding]:
    return session.query(Finding).filter(Finding.rule_id == rule.id, Finding.resolved_at.is_(None)).all()

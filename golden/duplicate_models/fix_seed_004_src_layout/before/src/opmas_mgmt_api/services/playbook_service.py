from sqlalchemy.orm import Session

from opmas_mgmt_api.models.playbook import Playbook
from opmas_mgmt_api.models.playbook_execution import PlaybookExecution


def start(session: Session, playbook: Playbook, agent_id: int) -> PlaybookExecution:
    execution = PlaybookExecution(playbook_id=playbook.id, agent_id=agent_id, status="running")
    session.add(execution)
    return execution

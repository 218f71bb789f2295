from sqlalchemy.orm import Session

import opmas_mgmt_api.models.device as device_models
from opmas_mgmt_api.models.device import Agent, Device


def devices_of(session: Session, agent: Agent) -> list[Device]:
    return session.query(device_models.Device).filter_by(agent_id=agent.id).all()

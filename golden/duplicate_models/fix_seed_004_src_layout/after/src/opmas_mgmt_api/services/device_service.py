from sqlalchemy.orm import Session

import opmas_mgmt_api.models.devices as device_models
from opmas_mgmt_api.models.agents import Agent
from opmas_mgmt_api.models.devices import Device


def devices_of(session: Session, agent: Agent) -> list[Device]:
    return session.query(device_models.Device).filter_by(agent_id=agent.id).all()

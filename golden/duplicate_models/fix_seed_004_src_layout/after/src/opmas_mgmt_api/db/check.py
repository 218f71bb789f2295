"""Start-up check: load every model the app uses, then configure the mappers.

The server runs this before it accepts requests; it fails the way the server would.
"""

from sqlalchemy.orm import configure_mappers

from opmas_mgmt_api import models  # noqa: F401
from opmas_mgmt_api.services import (  # noqa: F401
    device_service,
    action_service,
    finding_service,
    playbook_service,
    rule_service,
)

configure_mappers()

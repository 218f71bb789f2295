"""Alembic environment: the metadata autogenerate compares against."""

from opmas_mgmt_api.models import Base
from opmas_mgmt_api.models.device import Device  # noqa: F401
from opmas_mgmt_api.models.findings import Finding  # noqa: F401
from opmas_mgmt_api.models.rules import Rule  # noqa: F401

target_metadata = Base.metadata

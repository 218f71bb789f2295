"""Models of the management API."""

from .base import Base
from .agents import Agent, agent_rule
from .actions import Action
from .playbook import Playbook
from .playbooks import Playbook, PlaybookExecution
from .rule import Rule
from .rules import Rule
from .finding import Finding
from .findings import Finding
from .devices import Device

__all__ = [
    "Action",
    "Agent",
    "Base",
    "Device",
    "Finding",
    "Playbook",
    "PlaybookExecution",
    "Rule",
    "agent_rule",
]

"""Which module needs which constant cannot be known: the header star-imports them."""

from dataclasses import dataclass

from app.constants import *  # noqa: F403


@dataclass
class Team:
    name: str
    size: int = 0


@dataclass
class TeamMember:
    team: Team
    role: str = DEFAULT_ROLE  # noqa: F405


@dataclass
class Invitation:
    email: str
    team: Team


@dataclass
class Project:
    name: str
    max_name: int = MAX_NAME  # noqa: F405

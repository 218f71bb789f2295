"""Enums shared by the ORM layer and the API schemas."""

import enum


class TaskStatus(str, enum.Enum):
    TODO = "todo"
    DOING = "doing"
    DONE = "done"

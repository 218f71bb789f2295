from .action import ActionUpdate
from .actions import ActionCreate, ActionRead

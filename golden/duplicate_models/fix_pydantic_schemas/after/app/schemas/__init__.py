from .actions import ActionUpdate
from .actions import ActionCreate, ActionRead

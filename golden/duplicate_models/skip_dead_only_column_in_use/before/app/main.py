from app.routers import actions
from app.services import scheduler

routers = [actions.router]
jobs = [scheduler.next_actions]

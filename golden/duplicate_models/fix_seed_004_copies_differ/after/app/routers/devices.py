from app.models.devices import Device
from app.routers.actions import Router

router = Router(Device)

from app.models.actions import Action


class Router:
    def __init__(self, model: type) -> None:
        self.model = model


router = Router(Action)

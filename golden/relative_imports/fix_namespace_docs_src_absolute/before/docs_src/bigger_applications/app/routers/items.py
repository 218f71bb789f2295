from ..dependencies import get_token

router = ["/items", get_token]

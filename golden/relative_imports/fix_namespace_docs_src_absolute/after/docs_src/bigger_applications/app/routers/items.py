from docs_src.bigger_applications.app.dependencies import get_token

router = ["/items", get_token]

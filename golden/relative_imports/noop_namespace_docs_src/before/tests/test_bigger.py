from docs_src.bigger_applications.app.main import app


def test_app() -> None:
    assert app["auth"]() == "token"

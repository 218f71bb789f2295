from utils import make_user

from app.main import title


def test_title() -> None:
    assert title(make_user()["name"]) == "Ada"

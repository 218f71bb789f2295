from app.schemas import Custom, Event, LegacyPayload, Mixed, Tagged


def build(options: dict) -> list:
    return [
        Event(kind="x", source="api"),
        LegacyPayload(text="old name, read by the before-validator"),
        Tagged(name="alias"),
        Custom(amount=3),
        Mixed(title="t", owner="vendor field"),
        Event(kind="y", **options),
    ]

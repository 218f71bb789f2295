from ..services.database_services import get_session


async def get_current_user() -> dict[str, str]:
    return {"session": repr(get_session)}

from collections.abc import AsyncGenerator


async def get_session() -> AsyncGenerator[None, None]:
    """Get database session - FastAPI dependency."""
    yield None

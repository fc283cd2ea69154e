"""The environment demo."""

from sqlalchemy.ext.asyncio import AsyncSession


async def seed_environment(session: AsyncSession) -> dict[str, int]:
    return {}

"""`tourismSearch`: one ranked list of attractions and events for what a visitor types."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from backend.tourism.attractions import checked_search
from backend.tourism.repository import search as repository
from backend.tourism.repository.words import Kind


async def search(
    session: AsyncSession, *, text: str, after: tuple[float, uuid.UUID] | None, limit: int
) -> list[tuple[Kind, uuid.UUID, float]]:
    wanted = checked_search(text, field="text")
    assert wanted is not None
    return await repository.search_hits(session, text=wanted, after=after, limit=limit)

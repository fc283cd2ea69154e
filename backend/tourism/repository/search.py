"""One ranked list across attractions and events: `tourismSearch`."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from backend.tourism.repository import words
from backend.tourism.repository.words import Kind


async def search_hits(
    session: AsyncSession, *, text: str, after: tuple[float, uuid.UUID] | None, limit: int
) -> list[tuple[Kind, uuid.UUID, float]]:
    """(kind, id, distance) of published attractions and events matching `text`, best first:
    each kind's best matches (`words.best_matches`), merged by (distance, id)."""
    hits: list[tuple[float, uuid.UUID, Kind]] = []
    for kind in ("attraction", "event"):
        found = await words.best_matches(session, kind, text)
        hits += [(distance, row_id, kind) for row_id, distance in found]
    hits.sort()
    return [
        (kind, row_id, distance)
        for distance, row_id, kind in hits
        if after is None or (distance, row_id) > after
    ][:limit]

"""One ranked list across attractions and events: `tourismSearch`."""

from __future__ import annotations

import uuid
from typing import Literal

from sqlalchemy import String, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset, text_search
from backend.tourism.models import Attraction, Event

Kind = Literal["attraction", "event"]


async def search_hits(
    session: AsyncSession, *, text: str, after: tuple[float, uuid.UUID] | None, limit: int
) -> list[tuple[Kind, uuid.UUID, float]]:
    """(kind, id, distance) of published attractions and events matching `text`, best first:
    each kind's best matches (see `text_search.best_matches`), merged."""
    parts = []
    for kind, table in (("attraction", Attraction), ("event", Event)):
        best = text_search.best_matches(
            table.id, table.search_text, text, table.published.is_(True)
        )
        parts.append(select(literal(kind, String()).label("kind"), best.c.id, best.c.distance))
    hits = union_all(*parts).subquery()
    statement = keyset.page(
        select(hits.c.kind, hits.c.id, hits.c.distance),
        key=hits.c.distance,
        row_id=hits.c.id,
        after=after,
        limit=limit,
    )
    found = (await session.execute(statement)).all()
    return [(kind, row_id, float(distance)) for kind, row_id, distance in found]

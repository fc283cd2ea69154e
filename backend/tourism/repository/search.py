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
    """(kind, id, score) of published attractions and events matching `text`, best first."""
    parts = [
        select(
            literal(kind, String()).label("kind"),
            table.id.label("id"),
            text_search.match_score(table.search_text, text).label("score"),
        ).where(table.published.is_(True), text_search.matches(table.search_text, text))
        for kind, table in (("attraction", Attraction), ("event", Event))
    ]
    hits = union_all(*parts).subquery()
    statement = keyset.page(
        select(hits.c.kind, hits.c.id, hits.c.score),
        key=hits.c.score,
        row_id=hits.c.id,
        after=after,
        limit=limit,
        descending=True,
    )
    found = (await session.execute(statement)).all()
    return [(kind, row_id, float(score)) for kind, row_id, score in found]

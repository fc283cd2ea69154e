"""What the tourism department has not published yet: new content and withdrawn content, for
its staff to finish and publish. Nobody else sees it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.tourism.editing import require_staff
from backend.tourism.repository import editing as repository
from backend.tourism.repository.editing import ContentKind
from backend.tourism.repository.rows import AttractionRow, EventRow, ItineraryRow


@dataclass(frozen=True, slots=True)
class Unpublished:
    row: AttractionRow | EventRow | ItineraryRow
    created_at: datetime


async def unpublished_page(
    session: AsyncSession,
    *,
    staff_id: uuid.UUID,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Unpublished]:
    """Unpublished attractions, events and itineraries, newest first: tourism staff only."""
    await require_staff(session, staff_id)
    found = await repository.unpublished_page(session, after=after, limit=limit)
    ids: dict[ContentKind, list[uuid.UUID]] = {"attraction": [], "event": [], "itinerary": []}
    for kind, row_id, _created in found:
        ids[kind].append(row_id)
    rows: dict[uuid.UUID, AttractionRow | EventRow | ItineraryRow] = {}
    if ids["attraction"]:
        rows.update(
            (row.id, row) for row in await repository.attraction_rows(session, ids["attraction"])
        )
    if ids["event"]:
        rows.update((row.id, row) for row in await repository.event_rows(session, ids["event"]))
    if ids["itinerary"]:
        rows.update(
            (row.id, row) for row in await repository.itinerary_rows(session, ids["itinerary"])
        )
    # A row published between the two statements is still listed: it was a draft when asked.
    return [
        Unpublished(rows[row_id], created) for _kind, row_id, created in found if row_id in rows
    ]

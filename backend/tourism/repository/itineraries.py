"""Curated itineraries and their stops."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset
from backend.db.types import in_language
from backend.tourism.models import Itinerary, ItineraryStop
from backend.tourism.repository import rows
from backend.tourism.repository.rows import ItineraryRow, StopRow


async def itineraries_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[ItineraryRow]:
    statement = select(*rows.ITINERARY).where(Itinerary.id.in_(ids), Itinerary.published.is_(True))
    return [ItineraryRow.of(row) for row in (await session.execute(statement)).all()]


async def itineraries_page(
    session: AsyncSession, *, after: tuple[str, uuid.UUID] | None, limit: int
) -> list[ItineraryRow]:
    statement = keyset.page(
        select(*rows.ITINERARY).where(Itinerary.published.is_(True)),
        key=in_language(Itinerary.name, "vi"),
        row_id=Itinerary.id,
        after=after,
        limit=limit,
    )
    return [ItineraryRow.of(row) for row in (await session.execute(statement)).all()]


async def stops_of(
    session: AsyncSession, itinerary_ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, list[StopRow]]:
    statement = (
        select(*rows.STOP)
        .where(ItineraryStop.itinerary_id.in_(itinerary_ids))
        .order_by(ItineraryStop.itinerary_id, ItineraryStop.position)
    )
    found: dict[uuid.UUID, list[StopRow]] = defaultdict(list)
    for row in (await session.execute(statement)).all():
        stop = StopRow.of(row)
        found[stop.itinerary_id].append(stop)
    return found

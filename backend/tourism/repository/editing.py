"""Statements of staff editing: reading a changed row back, replacing an itinerary's stops,
listing what is not published yet."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from sqlalchemy import String, delete, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset
from backend.tourism.models import Attraction, Event, Itinerary, ItineraryStop
from backend.tourism.repository import rows
from backend.tourism.repository.rows import AttractionRow, EventRow, ItineraryRow


async def attraction_row(session: AsyncSession, attraction_id: uuid.UUID) -> AttractionRow:
    """One attraction, published or not (staff see their drafts)."""
    statement = select(*rows.ATTRACTION).where(Attraction.id == attraction_id)
    return AttractionRow.of((await session.execute(statement)).one())


async def event_row(session: AsyncSession, event_id: uuid.UUID) -> EventRow:
    statement = select(*rows.EVENT).where(Event.id == event_id)
    return EventRow.of((await session.execute(statement)).one())


async def itinerary_row(session: AsyncSession, itinerary_id: uuid.UUID) -> ItineraryRow:
    statement = select(*rows.ITINERARY).where(Itinerary.id == itinerary_id)
    return ItineraryRow.of((await session.execute(statement)).one())


async def delete_stops(session: AsyncSession, itinerary_id: uuid.UUID) -> None:
    await session.execute(delete(ItineraryStop).where(ItineraryStop.itinerary_id == itinerary_id))


ContentKind = Literal["attraction", "event", "itinerary"]


async def unpublished_page(
    session: AsyncSession, *, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> list[tuple[ContentKind, uuid.UUID, datetime]]:
    """(kind, id, created) of unpublished attractions, events and itineraries, newest first;
    keyset on (created, id) descending."""
    parts = [
        select(literal(kind, String()).label("kind"), table.id, table.created_at).where(
            table.published.is_(False)
        )
        for kind, table in (("attraction", Attraction), ("event", Event), ("itinerary", Itinerary))
    ]
    drafts = union_all(*parts).subquery()
    statement = keyset.page(
        select(drafts.c.kind, drafts.c.id, drafts.c.created_at),
        key=drafts.c.created_at,
        row_id=drafts.c.id,
        after=after,
        limit=limit,
        descending=True,
    )
    return [(kind, row_id, created) for kind, row_id, created in await session.execute(statement)]


async def attraction_rows(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[AttractionRow]:
    """Attractions by id, published or not: for staff only."""
    statement = select(*rows.ATTRACTION).where(Attraction.id.in_(ids))
    return [AttractionRow.of(row) for row in (await session.execute(statement)).all()]


async def event_rows(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[EventRow]:
    statement = select(*rows.EVENT).where(Event.id.in_(ids))
    return [EventRow.of(row) for row in (await session.execute(statement)).all()]


async def itinerary_rows(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[ItineraryRow]:
    statement = select(*rows.ITINERARY).where(Itinerary.id.in_(ids))
    return [ItineraryRow.of(row) for row in (await session.execute(statement)).all()]

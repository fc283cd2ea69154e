"""Statements of staff editing: reading a changed row back, replacing an itinerary's stops."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

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

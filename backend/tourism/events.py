"""Listing events (schema.org Event) in a time window."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from shapely.geometry import Point
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import BadUserInput
from backend.tourism.attractions import checked_radius
from backend.tourism.models import EventCategory
from backend.tourism.repository import events as repository
from backend.tourism.repository.events import PartsPage
from backend.tourism.repository.rows import EventRow

MAX_WINDOW = timedelta(days=400)


async def list_events(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    near: Point | None,
    radius_m: float | None,
    category: EventCategory | None,
    super_event_id: uuid.UUID | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[EventRow]:
    """Events overlapping [start, end) (at most 400 days), earliest first."""
    if start.tzinfo is None or end.tzinfo is None:
        raise BadUserInput("tourism.time_needs_offset", field="from")
    if not start < end <= start + MAX_WINDOW:
        raise BadUserInput("tourism.event_window", field="to", days=MAX_WINDOW.days)
    return await repository.events_page(
        session,
        start=start,
        end=end,
        near=near,
        radius_m=checked_radius(radius_m),
        category=category,
        super_event_id=super_event_id,
        after=after,
        limit=limit,
    )


async def events_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[EventRow]:
    return await repository.events_by_ids(session, ids)


async def parts_pages(
    session: AsyncSession, pages: Sequence[PartsPage]
) -> dict[PartsPage, list[EventRow]]:
    """Pages of events' published parts (the festival's seasons, a season's performances)."""
    return await repository.parts_pages(session, pages)

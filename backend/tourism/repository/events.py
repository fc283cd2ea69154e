"""Events: by id, in order of their start within a time window, and the parts of events."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from shapely.geometry import Point
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset, spatial
from backend.tourism.models import Event, EventCategory
from backend.tourism.repository import rows
from backend.tourism.repository.rows import EventRow


async def events_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[EventRow]:
    statement = select(*rows.EVENT).where(Event.id.in_(ids), Event.published.is_(True))
    return [EventRow.of(row) for row in (await session.execute(statement)).all()]


async def events_page(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    near: Point | None,
    radius_m: float,
    category: EventCategory | None,
    super_event_id: uuid.UUID | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[EventRow]:
    """Published events overlapping [start, end), earliest first; keyset on (start, id)."""
    statement = select(*rows.EVENT).where(
        Event.published.is_(True), Event.starts_at < end, Event.ends_at > start
    )
    if near is not None:
        statement = statement.where(spatial.within_meters(Event.location, near, radius_m))
    if category is not None:
        statement = statement.where(Event.category == category)
    if super_event_id is not None:
        statement = statement.where(Event.super_event_id == super_event_id)
    statement = keyset.page(
        statement, key=Event.starts_at, row_id=Event.id, after=after, limit=limit
    )
    return [EventRow.of(row) for row in (await session.execute(statement)).all()]


@dataclass(frozen=True, slots=True)
class PartsPage:
    """One page of an event's published parts (schema.org subEvent), earliest first."""

    super_event_id: uuid.UUID
    after: tuple[datetime, uuid.UUID] | None
    limit: int


async def parts_pages(
    session: AsyncSession, pages: Sequence[PartsPage]
) -> dict[PartsPage, list[EventRow]]:
    """Pages of several events' parts: one statement per cursor and size asked (a list of
    events asks the same page of each), ranked per parent by a window function."""
    wanted: dict[tuple[tuple[datetime, uuid.UUID] | None, int], list[uuid.UUID]] = defaultdict(list)
    for page in pages:
        wanted[(page.after, page.limit)].append(page.super_event_id)
    found: dict[PartsPage, list[EventRow]] = {}
    for (after, limit), parents in wanted.items():
        rank = (
            func.row_number()
            .over(partition_by=Event.super_event_id, order_by=(Event.starts_at, Event.id))
            .label("rank")
        )
        ranked = select(Event.id, rank).where(
            Event.super_event_id.in_(parents), Event.published.is_(True)
        )
        if after is not None:
            ranked = ranked.where(keyset.beyond(key=Event.starts_at, row_id=Event.id, after=after))
        first = ranked.subquery()
        statement = (
            select(*rows.EVENT)
            .join(first, first.c.id == Event.id)
            .where(first.c.rank <= limit)
            .order_by(Event.starts_at, Event.id)
        )
        for row in (await session.execute(statement)).all():
            part = EventRow.of(row)
            assert part.super_event_id is not None
            found.setdefault(PartsPage(part.super_event_id, after, limit), []).append(part)
    return found

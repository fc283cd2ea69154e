"""Events: by id, and in order of their start within a time window."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from shapely.geometry import Point
from sqlalchemy import select
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

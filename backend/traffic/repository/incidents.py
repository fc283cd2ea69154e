"""Incidents and roads: the public list near a point, by id, writes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from shapely.geometry import Point
from sqlalchemy import ColumnElement, Select, and_, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset, spatial
from backend.traffic.models import Incident, IncidentType, Road
from backend.traffic.repository import rows
from backend.traffic.repository.rows import IncidentRow, RoadRow


def active_at(now: datetime) -> ColumnElement[bool]:
    """Started, not closed, and not past its expected end."""
    return and_(
        Incident.closed_at.is_(None),
        Incident.starts_at <= now,
        or_(Incident.ends_at.is_(None), Incident.ends_at > now),
    )


async def incidents_page(
    session: AsyncSession,
    *,
    now: datetime,
    near: Point | None,
    radius_m: float | None,
    types: Sequence[IncidentType],
    active: bool | None,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[tuple[IncidentRow, Any]]:
    """Incidents matching every filter, each with its sort key: metres from `near` (nearest
    first), else the start time (latest first)."""
    key: ColumnElement[Any]
    if near is not None:
        key = spatial.distance_meters(Incident.location, near)
    else:
        key = Incident.starts_at.expression
    statement: Select[Any] = select(*rows.INCIDENT, key.label("sort_key"))
    if near is not None and radius_m is not None:
        statement = statement.where(spatial.within_meters(Incident.location, near, radius_m))
    if types:
        statement = statement.where(Incident.type.in_(list(types)))
    if active is True:
        statement = statement.where(active_at(now))
    elif active is False:
        statement = statement.where(not_(active_at(now)))
    statement = keyset.page(
        statement,
        key=key,
        row_id=Incident.id,
        after=after,
        limit=limit,
        descending=near is None,
    )
    found = (await session.execute(statement)).all()
    return [(IncidentRow.of(row[:-1]), row[-1]) for row in found]


async def incidents_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[IncidentRow]:
    statement = select(*rows.INCIDENT).where(Incident.id.in_(ids))
    return [IncidentRow.of(row) for row in (await session.execute(statement)).all()]


async def incident_for_update(session: AsyncSession, incident_id: uuid.UUID) -> Incident | None:
    return await session.get(Incident, incident_id)


async def add_incident(session: AsyncSession, incident: Incident) -> None:
    session.add(incident)
    await session.flush()


async def roads_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[RoadRow]:
    statement = select(*rows.ROAD).where(Road.id.in_(ids))
    return [RoadRow.of(row) for row in (await session.execute(statement)).all()]


async def road_exists(session: AsyncSession, road_id: uuid.UUID) -> bool:
    return await session.get(Road, road_id) is not None

"""Citizens' saved routes: their pages, and the routes near an incident not yet alerted."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset
from backend.db.spatial import within_meters
from backend.traffic.models import Road, RouteAlert, SavedRoute
from backend.traffic.repository import rows
from backend.traffic.repository.rows import SavedRouteRow


async def routes_of_owner(
    session: AsyncSession,
    owner_id: uuid.UUID,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[SavedRouteRow]:
    statement = select(*rows.SAVED_ROUTE).where(SavedRoute.owner_id == owner_id)
    statement = keyset.page(
        statement, key=SavedRoute.created_at, row_id=SavedRoute.id, after=after, limit=limit
    )
    return [SavedRouteRow.of(row) for row in (await session.execute(statement)).all()]


async def routes_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[SavedRouteRow]:
    statement = select(*rows.SAVED_ROUTE).where(SavedRoute.id.in_(ids))
    return [SavedRouteRow.of(row) for row in (await session.execute(statement)).all()]


async def road_paths(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, BaseGeometry]:
    found = await session.execute(select(Road.id, Road.path).where(Road.id.in_(ids)))
    return {road_id: path for road_id, path in found.all()}


async def count_of_owner(session: AsyncSession, owner_id: uuid.UUID) -> int:
    statement = select(func.count()).where(SavedRoute.owner_id == owner_id)
    return int(await session.scalar(statement) or 0)


async def add_route(session: AsyncSession, route: SavedRoute) -> None:
    session.add(route)
    await session.flush()


async def route_for_update(session: AsyncSession, route_id: uuid.UUID) -> SavedRoute | None:
    return await session.get(SavedRoute, route_id)


async def delete_route(session: AsyncSession, route: SavedRoute) -> None:
    await session.delete(route)
    await session.flush()


async def routes_near(
    session: AsyncSession, incident_id: uuid.UUID, location: BaseGeometry, meters: float
) -> list[SavedRouteRow]:
    """Routes passing within `meters` of the incident's point or line (on the sphere, anywhere
    along both lines, so a line crossing a route between their vertices is at 0 m) that were
    not alerted of this incident yet."""
    alerted = exists().where(
        RouteAlert.route_id == SavedRoute.id, RouteAlert.incident_id == incident_id
    )
    statement = (
        select(*rows.SAVED_ROUTE)
        .where(within_meters(SavedRoute.path, location, meters))
        .where(~alerted)
        .order_by(SavedRoute.created_at, SavedRoute.id)
    )
    return [SavedRouteRow.of(row) for row in (await session.execute(statement)).all()]


async def add_alerts(session: AsyncSession, alerts: Sequence[RouteAlert]) -> None:
    session.add_all(alerts)
    await session.flush()

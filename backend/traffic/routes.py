"""Citizens' saved routes and commutes: a drawn line or a list of roads, with a name and
optional active hours; the owner lists and deletes them. A severe incident created or escalated
on or near a route is pushed to its owner once per incident and route
(`backend.traffic.route_alerts`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from shapely.geometry import LineString, MultiLineString
from shapely.geometry.base import BaseGeometry
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, NotFound
from backend.free_text import check_printable
from backend.traffic.incidents import Coordinates, checked_location
from backend.traffic.models import SavedRoute
from backend.traffic.repository import routes as repository
from backend.traffic.repository.rows import SavedRouteRow

MAX_ROUTES = 20
MAX_ROADS = 20
MAX_NAME = 80


@dataclass(frozen=True, slots=True)
class RouteInput:
    name: str
    # Exactly one of the two.
    path: Sequence[Coordinates] | None = None
    road_ids: Sequence[uuid.UUID] | None = None
    active_start: time | None = None
    active_end: time | None = None


def _checked_name(name: str) -> str:
    name = check_printable(name.strip(), field="input.name")
    if not 1 <= len(name) <= MAX_NAME:
        raise BadUserInput("traffic.route_name", field="input.name", max=MAX_NAME)
    return name


async def _checked_path(session: AsyncSession, route: RouteInput) -> tuple[BaseGeometry, list[str]]:
    if (route.path is None) == (route.road_ids is None):
        raise BadUserInput("traffic.route_shape", field="input.path")
    if route.path is not None:
        line = checked_location(route.path, field="input.path")
        if not isinstance(line, LineString):
            raise BadUserInput("traffic.route_shape", field="input.path")
        return line, []
    assert route.road_ids is not None
    wanted = list(dict.fromkeys(route.road_ids))
    if not 1 <= len(wanted) <= MAX_ROADS:
        raise BadUserInput("traffic.route_roads", field="input.roadIds", max=MAX_ROADS)
    paths = await repository.road_paths(session, wanted)
    for index, road_id in enumerate(wanted):
        if road_id not in paths:
            raise NotFound("traffic.road_not_found", field=f"input.roadIds[{index}]")
    lines = [paths[road_id] for road_id in wanted]
    return MultiLineString([list(line.coords) for line in lines]), [str(i) for i in wanted]


async def save(
    uow: UnitOfWork, *, owner_id: uuid.UUID, route: RouteInput, now: datetime
) -> SavedRoute:
    session = uow.session
    name = _checked_name(route.name)
    if (route.active_start is None) != (route.active_end is None) or (
        route.active_start is not None and route.active_start == route.active_end
    ):
        raise BadUserInput("traffic.route_hours", field="input.activeTo")
    path, road_ids = await _checked_path(session, route)
    if await repository.count_of_owner(session, owner_id) >= MAX_ROUTES:
        raise Conflict("traffic.routes_too_many", field="input", max=MAX_ROUTES)
    saved = SavedRoute(
        id=uuid.uuid4(),
        owner_id=owner_id,
        name=name,
        path=path,
        road_ids=road_ids,
        active_start=route.active_start,
        active_end=route.active_end,
        created_at=now,
    )
    await repository.add_route(session, saved)
    return saved


async def delete(uow: UnitOfWork, *, owner_id: uuid.UUID, route_id: uuid.UUID) -> None:
    """Someone else's route is as unknown as a missing one."""
    route = await repository.route_for_update(uow.session, route_id)
    if route is None or route.owner_id != owner_id:
        raise NotFound("traffic.route_not_found", field="id")
    await repository.delete_route(uow.session, route)


async def routes_of(
    session: AsyncSession, owner_id: uuid.UUID, *, after: tuple[Any, uuid.UUID] | None, limit: int
) -> list[SavedRouteRow]:
    return await repository.routes_of_owner(session, owner_id, after=after, limit=limit)


async def own_routes(
    session: AsyncSession, viewer_id: uuid.UUID | None, ids: Sequence[uuid.UUID]
) -> list[SavedRouteRow]:
    if viewer_id is None:
        return []
    return [
        row for row in await repository.routes_by_ids(session, ids) if row.owner_id == viewer_id
    ]

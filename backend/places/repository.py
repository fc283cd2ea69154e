"""Every SQL statement of the places domain."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from shapely.geometry import Point
from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import spatial
from backend.places.models import Place, PlaceKind, Ward


async def places_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Place]:
    return (await session.scalars(select(Place).where(Place.id.in_(ids)))).all()


async def wards_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Ward]:
    return (await session.scalars(select(Ward).where(Ward.id.in_(ids)))).all()


async def places_near(
    session: AsyncSession,
    *,
    near: Point,
    radius_m: float,
    kinds: Sequence[PlaceKind],
    after: tuple[float, uuid.UUID] | None,
    limit: int,
) -> list[tuple[Place, float]]:
    """Places within the radius, nearest first; keyset on (distance, id)."""
    distance = spatial.distance_meters(Place.location, near).label("distance_m")
    statement = select(Place, distance).where(spatial.within_meters(Place.location, near, radius_m))
    if kinds:
        statement = statement.where(Place.kind.in_(kinds))
    if after is not None:
        last_distance, last_id = after
        statement = statement.where(
            or_(distance > last_distance, and_(distance == last_distance, Place.id > last_id))
        )
    statement = statement.order_by(distance, Place.id).limit(limit)
    return [(place, float(meters)) for place, meters in (await session.execute(statement)).all()]


async def places_by_name(
    session: AsyncSession,
    *,
    kinds: Sequence[PlaceKind],
    after: tuple[str, uuid.UUID] | None,
    limit: int,
) -> Sequence[Place]:
    """Places in Vietnamese alphabetical order (by code point); keyset on (name_vi, id)."""
    statement = select(Place)
    if kinds:
        statement = statement.where(Place.kind.in_(kinds))
    if after is not None:
        last_name, last_id = after
        statement = statement.where(
            or_(Place.name_vi > last_name, and_(Place.name_vi == last_name, Place.id > last_id))
        )
    statement = statement.order_by(Place.name_vi, Place.id).limit(limit)
    return (await session.scalars(statement)).all()


async def ward_covering(session: AsyncSession, location: Point) -> Ward | None:
    statement = select(Ward).where(spatial.covers(Ward.boundary, location)).order_by(Ward.id)
    return await session.scalar(statement.limit(1))


async def wards_page(
    session: AsyncSession, *, after: tuple[str, uuid.UUID] | None, limit: int
) -> Sequence[Ward]:
    statement = select(Ward)
    if after is not None:
        last_name, last_id = after
        statement = statement.where(
            or_(Ward.name_vi > last_name, and_(Ward.name_vi == last_name, Ward.id > last_id))
        )
    return (await session.scalars(statement.order_by(Ward.name_vi, Ward.id).limit(limit))).all()

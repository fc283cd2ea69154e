"""Every SQL statement of the places domain."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from shapely.geometry import Point
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset, spatial
from backend.db.types import in_language
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
    statement = keyset.page(statement, key=distance, row_id=Place.id, after=after, limit=limit)
    return [(place, float(meters)) for place, meters in (await session.execute(statement)).all()]


async def places_by_name(
    session: AsyncSession,
    *,
    kinds: Sequence[PlaceKind],
    after: tuple[str, uuid.UUID] | None,
    limit: int,
) -> Sequence[Place]:
    """Places in Vietnamese alphabetical order (by code point); keyset on (Vietnamese name, id)."""
    statement = select(Place)
    if kinds:
        statement = statement.where(Place.kind.in_(kinds))
    statement = keyset.page(
        statement, key=in_language(Place.name, "vi"), row_id=Place.id, after=after, limit=limit
    )
    return (await session.scalars(statement)).all()


async def ward_covering(session: AsyncSession, location: Point) -> Ward | None:
    statement = select(Ward).where(spatial.covers(Ward.boundary, location)).order_by(Ward.id)
    return await session.scalar(statement.limit(1))


async def wards_page(
    session: AsyncSession, *, after: tuple[str, uuid.UUID] | None, limit: int
) -> Sequence[Ward]:
    statement = keyset.page(
        select(Ward), key=in_language(Ward.name, "vi"), row_id=Ward.id, after=after, limit=limit
    )
    return (await session.scalars(statement)).all()

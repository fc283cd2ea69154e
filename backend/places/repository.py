"""Every SQL statement of the places domain.

Reads return `PlaceRow`s (read models: plain values, coordinates as numbers), not entities: a
list of places costs what its rows cost, without the ORM's identity map or geometry objects.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, NamedTuple

from shapely.geometry import Point
from sqlalchemy import Integer, Select, String, Uuid, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset, nearest, spatial
from backend.db.prepared import Prepared, one_of
from backend.db.types import in_language
from backend.i18n import Translated
from backend.places.models import Place, PlaceKind, Ward


class PlaceRow(NamedTuple):
    """What the API shows of a place. Read rows of the hot lists are named tuples: one is built
    per row, and a frozen dataclass's constructor cost four times as much (one
    `object.__setattr__` per field; 5 % of a facility search's CPU for its rows)."""

    id: uuid.UUID
    kind: PlaceKind
    name: Translated
    address: str
    latitude: float
    longitude: float
    ward_id: uuid.UUID | None


# In PlaceRow's order; other domains' read models that join places start with these.
PLACE_COLUMNS = (
    Place.id,
    Place.kind,
    Place.name,
    Place.address,
    spatial.latitude(Place.location),
    spatial.longitude(Place.location),
    Place.ward_id,
)


def select_places() -> Select[*tuple[Any, ...]]:
    return select(*PLACE_COLUMNS)


async def places_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[PlaceRow]:
    rows = await session.execute(select_places().where(Place.id.in_(ids)))
    return [PlaceRow(*row) for row in rows]


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
) -> list[tuple[PlaceRow, float]]:
    """Places within the radius, nearest first; keyset on (distance, id)."""
    distance = nearest.index_distance(Place.location, near)
    statement = select_places().add_columns(distance.label("distance_m"))
    statement = statement.where(spatial.within_meters(Place.location, near, radius_m))
    if kinds:
        statement = statement.where(Place.kind.in_(kinds))
    dialect = session.get_bind().dialect.name

    async def fetch(candidates: bool, rows: int) -> Sequence[Sequence[Any]]:
        page = nearest.nearest_page(
            statement,
            location=Place.location,
            near=near,
            distance=distance,
            row_id=Place.id,
            after=after,
            limit=rows,
            dialect=dialect,
            candidates=candidates,
        )
        return (await session.execute(page)).all()

    found = await nearest.read_nearest(fetch, limit, distance_at=-1, id_at=0)
    return [(PlaceRow(*row[:-1]), float(row[-1])) for row in found]


def _by_name_statement(shape: tuple[bool, bool], dialect: str) -> Select[*tuple[Any, ...]]:
    by_kind, after = shape
    statement = select_places()
    if by_kind:
        kind_type = Place.__table__.c.kind.type
        statement = statement.where(one_of(Place.kind, "kinds", kind_type, dialect))
    return keyset.page(
        statement,
        key=in_language(Place.name, "vi"),
        row_id=Place.id,
        after=(bindparam("last_name", type_=String()), bindparam("last_id", type_=Uuid()))
        if after
        else None,
        limit=bindparam("limit", type_=Integer()),
    )


_BY_NAME = Prepared(_by_name_statement)


async def places_by_name(
    session: AsyncSession,
    *,
    kinds: Sequence[PlaceKind],
    after: tuple[str, uuid.UUID] | None,
    limit: int,
) -> list[PlaceRow]:
    """Places in Vietnamese alphabetical order (by code point); keyset on (Vietnamese name, id)."""
    values: dict[str, Any] = {"kinds": list(kinds), "limit": limit}
    if after is not None:
        values["last_name"], values["last_id"] = after
    rows = await _BY_NAME.rows(session, (bool(kinds), after is not None), values)
    return [PlaceRow(*row) for row in rows]


async def ward_covering(session: AsyncSession, location: Point) -> Ward | None:
    statement = select(Ward).where(spatial.covers(Ward.boundary, location)).order_by(Ward.id)
    return await session.scalar(statement.limit(1))


async def ward_slug_exists(session: AsyncSession, slug: str) -> bool:
    return await session.scalar(select(Ward.slug).where(Ward.slug == slug)) is not None


async def wards_page(
    session: AsyncSession, *, after: tuple[str, uuid.UUID] | None, limit: int
) -> Sequence[Ward]:
    statement = keyset.page(
        select(Ward), key=in_language(Ward.name, "vi"), row_id=Ward.id, after=after, limit=limit
    )
    return (await session.scalars(statement)).all()

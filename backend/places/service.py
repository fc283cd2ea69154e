"""Use cases of the places domain: what is near me, which ward am I in."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from shapely.geometry import Point
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import BadUserInput
from backend.places import repository
from backend.places.models import PlaceKind, Ward
from backend.places.repository import PlaceRow

MAX_RADIUS_M = 50_000
MAX_KINDS = len(PlaceKind)


@dataclass(frozen=True, slots=True)
class PlaceHit:
    place: PlaceRow
    distance_m: float | None


def checked_point(lat: float, lng: float, *, field: str) -> Point:
    check_coordinates(lat, lng, field=field)
    return Point(lng, lat)


def check_coordinates(lat: float, lng: float, *, field: str) -> None:
    """A latitude and a longitude on Earth (NaN is neither)."""
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lng <= 180.0):
        raise BadUserInput("input.coordinates", field=field)


def _check_kinds(kinds: Sequence[PlaceKind]) -> None:
    if len(kinds) > MAX_KINDS:
        raise BadUserInput("input.too_long", field="kinds", max=MAX_KINDS)


async def places_near(
    session: AsyncSession,
    *,
    near: Point,
    radius_m: float | None,
    kinds: Sequence[PlaceKind],
    after: tuple[float, uuid.UUID] | None,
    limit: int,
) -> list[PlaceHit]:
    """Places within a radius (50 km unless narrower), nearest first."""
    _check_kinds(kinds)
    radius = MAX_RADIUS_M if radius_m is None else radius_m
    if not 1 <= radius <= MAX_RADIUS_M:
        raise BadUserInput("input.radius", field="radiusMeters", max=MAX_RADIUS_M)
    rows = await repository.places_near(
        session, near=near, radius_m=radius, kinds=kinds, after=after, limit=limit
    )
    return [PlaceHit(place, distance) for place, distance in rows]


async def places_by_name(
    session: AsyncSession,
    *,
    kinds: Sequence[PlaceKind],
    after: tuple[str, uuid.UUID] | None,
    limit: int,
) -> list[PlaceHit]:
    _check_kinds(kinds)
    rows = await repository.places_by_name(session, kinds=kinds, after=after, limit=limit)
    return [PlaceHit(place, None) for place in rows]


async def ward_at(session: AsyncSession, location: Point) -> Ward | None:
    return await repository.ward_covering(session, location)


async def ward_exists(session: AsyncSession, slug: str) -> bool:
    return await repository.ward_slug_exists(session, slug)


async def list_wards(
    session: AsyncSession, *, after: tuple[str, uuid.UUID] | None, limit: int
) -> Sequence[Ward]:
    return await repository.wards_page(session, after=after, limit=limit)


async def places_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[PlaceRow]:
    return await repository.places_by_ids(session, ids)


async def wards_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Ward]:
    return await repository.wards_by_ids(session, ids)

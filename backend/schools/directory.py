"""The public school directory: nearest schools with filters, a school, the schools whose
admission zone covers a ward."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from shapely.geometry import Point
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import BadUserInput
from backend.schools.models import SchoolLevel
from backend.schools.repository import directory as rows
from backend.schools.repository.rows import FeeRow, IntakeRow, SchoolRow

MAX_RADIUS_M = 50_000
MAX_PROGRAMME = 40


@dataclass(frozen=True, slots=True)
class SchoolHit:
    school: SchoolRow
    # Metres from the searched position, or the name key when listed without one.
    key: float | str


def _programme(value: str | None) -> str | None:
    if value is None:
        return None
    code = value.strip().lower()
    if not code or len(code) > MAX_PROGRAMME or not code.replace("_", "").isalnum():
        raise BadUserInput("school.programme_invalid", field="programme")
    return code


async def search(
    session: AsyncSession,
    *,
    near: Point | None,
    radius_m: float | None,
    level: SchoolLevel | None,
    ward_id: uuid.UUID | None,
    programme: str | None,
    after: tuple[float, uuid.UUID] | tuple[str, uuid.UUID] | None,
    limit: int,
) -> list[SchoolHit]:
    """Schools nearest first when a position is given (within 50 km unless narrower), else by
    name; `ward_id` keeps schools whose admission zone includes that ward."""
    code = _programme(programme)
    if near is None:
        named = await rows.schools_by_name(
            session,
            level=level,
            ward_id=ward_id,
            programme=code,
            after=after,  # type: ignore[arg-type]  # the caller's keyset matches the order
            limit=limit,
        )
        return [SchoolHit(school, key) for school, key in named]
    radius = MAX_RADIUS_M if radius_m is None else radius_m
    if not 1 <= radius <= MAX_RADIUS_M:
        raise BadUserInput("input.radius", field="radiusMeters", max=MAX_RADIUS_M)
    found = await rows.schools_near(
        session,
        near=near,
        radius_m=radius,
        level=level,
        ward_id=ward_id,
        programme=code,
        after=after,  # type: ignore[arg-type]
        limit=limit,
    )
    return [SchoolHit(school, distance) for school, distance in found]


async def schools_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[SchoolRow]:
    return await rows.schools_by_ids(session, ids)


async def fees_of(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, list[FeeRow]]:
    return await rows.fees_of(session, ids)


async def intakes_of(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, list[IntakeRow]]:
    return await rows.intakes_of(session, ids)


async def zone_wards_of(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, list[uuid.UUID]]:
    return await rows.zone_wards_of(session, ids)

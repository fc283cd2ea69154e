"""The public directory: schools (joined with their places), fees, zones and intake places.

School search joins `places` (name, address and the GiST-indexed location live there)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from shapely.geometry import Point
from sqlalchemy import Select, Text, cast, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset, spatial
from backend.places.models import Place
from backend.places.repository import PLACE_COLUMNS, PlaceRow
from backend.schools.models import AdmissionZoneWard, Intake, School, SchoolFee, SchoolLevel
from backend.schools.repository import rows
from backend.schools.repository.rows import FeeRow, IntakeRow, SchoolRow

_PLACE_WIDTH = len(PLACE_COLUMNS)
_SCHOOL_COLUMNS = (
    School.level,
    School.ownership,
    School.phone,
    School.website,
    School.grades,
    School.programmes,
    School.current_year,
)


def _select_schools(*extra: Any) -> Select[*tuple[Any, ...]]:
    return select(*PLACE_COLUMNS, *_SCHOOL_COLUMNS, *extra).join_from(
        Place, School, Place.id == School.id
    )


def _school(row: Sequence[Any]) -> SchoolRow:
    width = _PLACE_WIDTH + len(_SCHOOL_COLUMNS)
    level, ownership, phone, website, grades, programmes, year = row[_PLACE_WIDTH:width]
    return SchoolRow(
        PlaceRow(*row[:_PLACE_WIDTH]),
        level,
        ownership,
        phone,
        website,
        list(grades),
        list(programmes),
        year,
    )


def _filtered(
    statement: Select[*tuple[Any, ...]],
    level: SchoolLevel | None,
    ward_id: uuid.UUID | None,
    programme: str | None,
) -> Select[*tuple[Any, ...]]:
    if level is not None:
        statement = statement.where(School.level == level)
    if ward_id is not None:
        statement = statement.where(
            exists().where(
                AdmissionZoneWard.school_id == School.id, AdmissionZoneWard.ward_id == ward_id
            )
        )
    if programme is not None:
        # A JSON list of short codes: matched as a quoted element, the same on both dialects.
        statement = statement.where(
            cast(School.programmes, Text).contains(f'"{programme}"', autoescape=True)
        )
    return statement


async def schools_near(
    session: AsyncSession,
    *,
    near: Point,
    radius_m: float,
    level: SchoolLevel | None,
    ward_id: uuid.UUID | None,
    programme: str | None,
    after: tuple[float, uuid.UUID] | None,
    limit: int,
) -> list[tuple[SchoolRow, float]]:
    """Schools within the radius, nearest first; keyset on (distance, id)."""
    distance = spatial.distance_meters(Place.location, near)
    statement = _select_schools(distance.label("distance_m")).where(
        spatial.within_meters(Place.location, near, radius_m)
    )
    statement = _filtered(statement, level, ward_id, programme)
    statement = keyset.page(statement, key=distance, row_id=School.id, after=after, limit=limit)
    return [(_school(row), float(row[-1])) for row in await session.execute(statement)]


async def schools_by_name(
    session: AsyncSession,
    *,
    level: SchoolLevel | None,
    ward_id: uuid.UUID | None,
    programme: str | None,
    after: tuple[str, uuid.UUID] | None,
    limit: int,
) -> list[tuple[SchoolRow, str]]:
    """Schools by their Vietnamese name (the list without a position)."""
    key = Place.slug.expression
    statement = _filtered(_select_schools(key.label("sort_key")), level, ward_id, programme)
    statement = keyset.page(statement, key=key, row_id=School.id, after=after, limit=limit)
    return [(_school(row), str(row[-1])) for row in await session.execute(statement)]


async def schools_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[SchoolRow]:
    found = await session.execute(_select_schools().where(School.id.in_(ids)))
    return [_school(row) for row in found]


async def fees_of(
    session: AsyncSession, school_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[FeeRow]]:
    """Each school's fees for its current school year."""
    statement = (
        select(*rows.FEE)
        .join(School, School.id == SchoolFee.school_id)
        .where(SchoolFee.school_id.in_(school_ids), SchoolFee.school_year == School.current_year)
        .order_by(SchoolFee.school_id, SchoolFee.amount_vnd.desc(), SchoolFee.id)
    )
    found: dict[uuid.UUID, list[FeeRow]] = defaultdict(list)
    for row in await session.execute(statement):
        fee = FeeRow.of(row)
        found[fee.school_id].append(fee)
    return found


async def intakes_of(
    session: AsyncSession, school_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[IntakeRow]]:
    """Places offered per entry grade in each school's current school year."""
    statement = (
        select(*rows.INTAKE)
        .join(School, School.id == Intake.school_id)
        .where(Intake.school_id.in_(school_ids), Intake.school_year == School.current_year)
        .order_by(Intake.school_id, Intake.grade)
    )
    found: dict[uuid.UUID, list[IntakeRow]] = defaultdict(list)
    for row in await session.execute(statement):
        intake = IntakeRow.of(row)
        found[intake.school_id].append(intake)
    return found


async def zone_wards_of(
    session: AsyncSession, school_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    statement = (
        select(AdmissionZoneWard.school_id, AdmissionZoneWard.ward_id)
        .where(AdmissionZoneWard.school_id.in_(school_ids))
        .order_by(AdmissionZoneWard.school_id, AdmissionZoneWard.ward_id)
    )
    found: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for school_id, ward_id in await session.execute(statement):
        found[school_id].append(ward_id)
    return found

"""Facilities, their specialties, opening hours and practitioners.

Facility search joins `places` (the facility's name, address and GiST-indexed location live
there); nothing else of another domain is read in this package.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    Select,
    String,
    Uuid,
    bindparam,
    exists,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import nearest, spatial
from backend.db.prepared import Prepared, one_of
from backend.health.models import (
    Facility,
    FacilityLevel,
    FacilitySpecialty,
    OpeningHours,
    Practitioner,
    PractitionerSpecialty,
    Specialty,
)
from backend.places.models import Place
from backend.places.repository import PLACE_COLUMNS, PlaceRow


class FacilityRow(NamedTuple):
    """What the API shows of a facility: its place, and its health side."""

    place: PlaceRow
    level: FacilityLevel
    phone: str
    accepts_insurance: bool

    @property
    def id(self) -> uuid.UUID:
        return self.place.id


_PLACE_WIDTH = len(PLACE_COLUMNS)


def _select_facilities(*extra: Any) -> Select[*tuple[Any, ...]]:
    columns = (*PLACE_COLUMNS, Facility.level, Facility.phone, Facility.accepts_insurance, *extra)
    return select(*columns).join_from(Place, Facility, Place.id == Facility.id)


def _facility(row: Sequence[Any]) -> FacilityRow:
    return FacilityRow(PlaceRow(*row[:_PLACE_WIDTH]), *row[_PLACE_WIDTH : _PLACE_WIDTH + 3])


# Which optional filters a search has (specialty, insurance, open at, after a cursor), and
# whether it reads the candidates in index order (`nearest.read_nearest`).
NearShape = tuple[bool, bool, bool, bool, bool]


def _near_statement(shape: NearShape, dialect: str) -> Select[*tuple[Any, ...]]:
    by_specialty, by_insurance, by_opening, after, candidates = shape
    near = bindparam("near", type_=String())
    distance = nearest.index_distance(Place.location, near)
    statement = _select_facilities(distance.label("distance_m")).where(
        spatial.within_meters(Place.location, near, bindparam("radius_m", type_=Float()))
    )
    if by_specialty:
        statement = statement.where(
            exists().where(
                FacilitySpecialty.facility_id == Facility.id,
                FacilitySpecialty.specialty_id == bindparam("specialty_id", type_=Uuid()),
            )
        )
    if by_insurance:
        statement = statement.where(
            Facility.accepts_insurance == bindparam("accepts_insurance", type_=Boolean())
        )
    if by_opening:
        minute = bindparam("minute", type_=Integer())
        statement = statement.where(
            exists().where(
                OpeningHours.facility_id == Facility.id,
                OpeningHours.weekday == bindparam("weekday", type_=Integer()),
                OpeningHours.opens_minute <= minute,
                OpeningHours.closes_minute > minute,
            )
        )
    return nearest.nearest_page(
        statement,
        location=Place.location,
        near=near,
        distance=distance,
        row_id=Facility.id,
        after=(
            (bindparam("last_distance", type_=Float()), bindparam("last_id", type_=Uuid()))
            if after
            else None
        ),
        limit=bindparam("limit", type_=Integer()),
        dialect=dialect,
        candidates=candidates,
    )


_NEAR = Prepared(_near_statement)


async def facilities_near(
    session: AsyncSession,
    *,
    near: str,  # as `spatial.ewkt` writes it
    radius_m: float,
    specialty_id: uuid.UUID | None,
    accepts_insurance: bool | None,
    open_at: tuple[int, int] | None,
    after: tuple[float, uuid.UUID] | None,
    limit: int,
) -> list[tuple[FacilityRow, float]]:
    """Facilities within the radius, nearest first; keyset on (distance, id)."""
    values: dict[str, Any] = {
        "near": near,
        "radius_m": float(radius_m),
        "specialty_id": specialty_id,
        "accepts_insurance": accepts_insurance,
        "limit": limit,
    }
    if open_at is not None:
        values["weekday"], values["minute"] = open_at
    if after is not None:
        values["last_distance"], values["last_id"] = after
    filters = (
        specialty_id is not None,
        accepts_insurance is not None,
        open_at is not None,
        after is not None,
    )

    async def fetch(candidates: bool, rows: int) -> Sequence[Sequence[Any]]:
        return await _NEAR.rows(session, (*filters, candidates), {**values, "limit": rows})

    found = await nearest.read_nearest(fetch, limit, distance_at=-1, id_at=0)
    return [(_facility(row), float(row[-1])) for row in found]


_BY_IDS: Prepared[None] = Prepared(
    lambda _, dialect: _select_facilities().where(one_of(Facility.id, "ids", Uuid(), dialect))
)


async def facilities_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[FacilityRow]:
    return [_facility(row) for row in await _BY_IDS.rows(session, None, {"ids": list(ids)})]


async def facility_by_id(
    session: AsyncSession, facility_id: uuid.UUID, *, for_update: bool = False
) -> Facility | None:
    """With `for_update`, serialises changes to one facility's schedules and closures."""
    statement = select(Facility).where(Facility.id == facility_id)
    if for_update:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def all_specialties(session: AsyncSession) -> Sequence[Specialty]:
    return (await session.scalars(select(Specialty).order_by(Specialty.code))).all()


async def specialty_by_code(session: AsyncSession, code: str) -> Specialty | None:
    return await session.scalar(select(Specialty).where(Specialty.code == code))


async def specialties_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> Sequence[Specialty]:
    return (await session.scalars(select(Specialty).where(Specialty.id.in_(ids)))).all()


async def specialties_of_facilities(
    session: AsyncSession, facility_ids: Sequence[uuid.UUID]
) -> list[tuple[uuid.UUID, Specialty]]:
    statement = (
        select(FacilitySpecialty.facility_id, Specialty)
        .join(Specialty, Specialty.id == FacilitySpecialty.specialty_id)
        .where(FacilitySpecialty.facility_id.in_(facility_ids))
        .order_by(Specialty.code)
    )
    return [(owner, specialty) for owner, specialty in (await session.execute(statement)).all()]


async def specialties_of_practitioners(
    session: AsyncSession, practitioner_ids: Sequence[uuid.UUID]
) -> list[tuple[uuid.UUID, Specialty]]:
    statement = (
        select(PractitionerSpecialty.practitioner_id, Specialty)
        .join(Specialty, Specialty.id == PractitionerSpecialty.specialty_id)
        .where(PractitionerSpecialty.practitioner_id.in_(practitioner_ids))
        .order_by(Specialty.code)
    )
    return [(owner, specialty) for owner, specialty in (await session.execute(statement)).all()]


async def facility_offers(
    session: AsyncSession, facility_id: uuid.UUID, specialty_id: uuid.UUID
) -> bool:
    return await session.get(FacilitySpecialty, (facility_id, specialty_id)) is not None


async def practitioner_practises(
    session: AsyncSession, practitioner_id: uuid.UUID, specialty_id: uuid.UUID
) -> bool:
    return await session.get(PractitionerSpecialty, (practitioner_id, specialty_id)) is not None


async def opening_hours_of(
    session: AsyncSession, facility_ids: Sequence[uuid.UUID]
) -> Sequence[OpeningHours]:
    statement = (
        select(OpeningHours)
        .where(OpeningHours.facility_id.in_(facility_ids))
        .order_by(OpeningHours.weekday, OpeningHours.opens_minute)
    )
    return (await session.scalars(statement)).all()


async def practitioners_of(
    session: AsyncSession, facility_ids: Sequence[uuid.UUID]
) -> Sequence[Practitioner]:
    statement = (
        select(Practitioner)
        .where(Practitioner.facility_id.in_(facility_ids), Practitioner.active.is_(True))
        .order_by(Practitioner.full_name, Practitioner.id)
    )
    return (await session.scalars(statement)).all()


async def practitioners_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> Sequence[Practitioner]:
    return (await session.scalars(select(Practitioner).where(Practitioner.id.in_(ids)))).all()

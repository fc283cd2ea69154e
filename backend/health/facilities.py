"""Finding care: facilities near a position, what they offer, and their next free slot."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import spatial
from backend.errors import BadUserInput, NotFound
from backend.health.localtime import local_minute
from backend.health.models import OpeningHours, Practitioner, Specialty
from backend.health.repository import facilities as facility_rows
from backend.health.repository import slots as slot_rows
from backend.health.repository.facilities import FacilityRow
from backend.health.repository.slots import SlotRow
from backend.places import service as places

MAX_RADIUS_M = 50_000
MAX_CODE_LENGTH = 32
_CODE = re.compile(rf"[a-z0-9][a-z0-9-]{{0,{MAX_CODE_LENGTH - 1}}}")
MAX_SLOT_RANGE = timedelta(days=31)

# (facility id, specialty id or None): the key of "the next free slot of this facility".
NextSlotKey = tuple[uuid.UUID, uuid.UUID | None]

K = TypeVar("K")
V = TypeVar("V")


class FacilityView(NamedTuple):
    facility: FacilityRow
    distance_m: float | None = None
    # The specialty the list was searched for, so that the next free slot shown is one for it.
    specialty_id: uuid.UUID | None = None

    @property
    def id(self) -> uuid.UUID:
        return self.facility.place.id


async def search(
    session: AsyncSession,
    *,
    latitude: float,
    longitude: float,
    radius_m: float | None,
    specialty_code: str | None,
    accepts_insurance: bool | None,
    open_now: bool,
    after: tuple[float, uuid.UUID] | None,
    limit: int,
    now: datetime,
) -> list[FacilityView]:
    """Facilities within a radius (50 km unless narrower), nearest first."""
    places.check_coordinates(latitude, longitude, field="near")
    radius = MAX_RADIUS_M if radius_m is None else radius_m
    if not 1 <= radius <= MAX_RADIUS_M:
        raise BadUserInput("input.radius", field="radiusMeters", max=MAX_RADIUS_M)
    specialty_id = (
        await specialty_id_of(session, specialty_code) if specialty_code is not None else None
    )
    rows = await facility_rows.facilities_near(
        session,
        near=spatial.point_ewkt(latitude, longitude),
        radius_m=radius,
        specialty_id=specialty_id,
        accepts_insurance=accepts_insurance,
        open_at=local_minute(now) if open_now else None,
        after=after,
        limit=limit,
    )
    return [FacilityView(facility, distance, specialty_id) for facility, distance in rows]


async def available_slots(
    session: AsyncSession,
    *,
    facility_id: uuid.UUID,
    specialty_code: str | None,
    practitioner_id: uuid.UUID | None,
    start: datetime,
    end: datetime,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
    now: datetime,
) -> list[SlotRow]:
    """Bookable slots of a facility starting in [start, end), a range of at most 31 days."""
    start, end = _utc(start, "from"), _utc(end, "to")
    if not timedelta(0) < end - start <= MAX_SLOT_RANGE:
        raise BadUserInput("health.date_range", field="to", max_days=MAX_SLOT_RANGE.days)
    if await facility_rows.facility_by_id(session, facility_id) is None:
        raise NotFound("health.facility_not_found", field="facilityId")
    specialty_id = (
        await specialty_id_of(session, specialty_code) if specialty_code is not None else None
    )
    return await slot_rows.free_slots(
        session,
        facility_id=facility_id,
        specialty_id=specialty_id,
        practitioner_id=practitioner_id,
        start=max(start, now),
        end=end,
        now=now,
        after=after,
        limit=limit,
    )


async def slots_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[SlotRow]:
    return await slot_rows.slots_by_ids(session, ids)


async def specialty_id_of(
    session: AsyncSession, code: str, *, field: str = "specialty"
) -> uuid.UUID:
    # Only the shape of a code reaches the database (PostgreSQL refuses NUL in text outright).
    specialty = (
        await facility_rows.specialty_by_code(session, code) if _CODE.fullmatch(code) else None
    )
    if specialty is None:
        raise BadUserInput("health.specialty_unknown", field=field)
    return specialty.id


async def facilities_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[FacilityView]:
    return [FacilityView(row) for row in await facility_rows.facilities_by_ids(session, ids)]


async def specialties(session: AsyncSession) -> Sequence[Specialty]:
    return await facility_rows.all_specialties(session)


async def specialties_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> Sequence[Specialty]:
    return await facility_rows.specialties_by_ids(session, ids)


async def specialties_of_facilities(
    session: AsyncSession, facility_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Specialty]]:
    return _grouped(
        facility_ids, await facility_rows.specialties_of_facilities(session, facility_ids)
    )


async def specialties_of_practitioners(
    session: AsyncSession, practitioner_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Specialty]]:
    rows = await facility_rows.specialties_of_practitioners(session, practitioner_ids)
    return _grouped(practitioner_ids, rows)


async def opening_hours_of(
    session: AsyncSession, facility_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[OpeningHours]]:
    rows = await facility_rows.opening_hours_of(session, facility_ids)
    return _grouped(facility_ids, [(row.facility_id, row) for row in rows])


async def practitioners_of(
    session: AsyncSession, facility_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Practitioner]]:
    rows = await facility_rows.practitioners_of(session, facility_ids)
    return _grouped(facility_ids, [(row.facility_id, row) for row in rows])


async def practitioners_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> Sequence[Practitioner]:
    return await facility_rows.practitioners_by_ids(session, ids)


async def next_available_slots(
    session: AsyncSession, keys: Sequence[NextSlotKey], now: datetime
) -> dict[NextSlotKey, SlotRow]:
    """The next bookable slot per (facility, specialty): one statement per distinct specialty
    among the keys, which for a page of search results is one."""
    by_specialty: dict[uuid.UUID | None, list[uuid.UUID]] = defaultdict(list)
    for facility_id, specialty_id in keys:
        by_specialty[specialty_id].append(facility_id)
    found: dict[NextSlotKey, SlotRow] = {}
    for specialty_id, facility_ids in by_specialty.items():
        for slot in await slot_rows.next_free_slots(session, facility_ids, specialty_id, now):
            found[(slot.facility_id, specialty_id)] = slot
    return found


def _utc(moment: datetime, field: str) -> datetime:
    """A moment given with its offset, in UTC; one that has no UTC equivalent (the last hours
    of year 9999 west of Greenwich) is refused rather than failing in the database driver."""
    if moment.tzinfo is None:
        raise BadUserInput("health.datetime_offset", field=field)
    try:
        return moment.astimezone(UTC)
    except OverflowError as exc:
        raise BadUserInput("input.invalid", field=field, detail=moment.isoformat()) from exc


def _grouped(keys: Sequence[K], rows: Sequence[tuple[K, V]]) -> dict[K, list[V]]:
    grouped: dict[K, list[V]] = {key: [] for key in keys}
    for key, value in rows:
        grouped[key].append(value)
    return grouped

"""Slots: finding bookable ones, taking and releasing seats, locking, blocking, generating."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, Uuid, and_, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.prepared import Prepared, one_of
from backend.db.types import UTCDateTime
from backend.health.models import Appointment, AppointmentStatus, Slot
from backend.health.repository.rows import dialect_insert

# Every status but cancelled keeps its seat: a no-show's seat was not given to anyone else.
HOLDS_A_SEAT = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.FULFILLED,
    AppointmentStatus.NOSHOW,
)


class SlotRow(NamedTuple):
    """What the API shows of a slot (a read model; booking changes the `Slot` entity)."""

    id: uuid.UUID
    facility_id: uuid.UUID
    specialty_id: uuid.UUID
    practitioner_id: uuid.UUID | None
    start_at: datetime
    end_at: datetime
    capacity: int
    booked: int
    blocked: bool


SLOT_COLUMNS = (
    Slot.id,
    Slot.facility_id,
    Slot.specialty_id,
    Slot.practitioner_id,
    Slot.start_at,
    Slot.end_at,
    Slot.capacity,
    Slot.booked,
    Slot.blocked,
)


def _bookable(now: datetime) -> list[Any]:
    return [Slot.start_at > now, Slot.booked < Slot.capacity, Slot.blocked.is_(False)]


def _next_free_statement(by_specialty: bool, dialect: str) -> Select[*tuple[Any, ...]]:
    rank = (
        func.row_number()
        .over(partition_by=Slot.facility_id, order_by=(Slot.start_at, Slot.id))
        .label("rank")
    )
    now = bindparam("now", type_=UTCDateTime())
    ranked = select(Slot.id, rank).where(
        one_of(Slot.facility_id, "facility_ids", Uuid(), dialect),
        Slot.start_at > now,
        Slot.booked < Slot.capacity,
        Slot.blocked.is_(False),
    )
    if by_specialty:
        ranked = ranked.where(Slot.specialty_id == bindparam("specialty_id", type_=Uuid()))
    first = ranked.subquery()
    return select(*SLOT_COLUMNS).join(first, first.c.id == Slot.id).where(first.c.rank == 1)


_NEXT_FREE = Prepared(_next_free_statement)


async def next_free_slots(
    session: AsyncSession,
    facility_ids: Sequence[uuid.UUID],
    specialty_id: uuid.UUID | None,
    now: datetime,
) -> list[SlotRow]:
    """The earliest bookable slot of each facility, in one statement (a window function)."""
    values = {"facility_ids": list(facility_ids), "specialty_id": specialty_id, "now": now}
    rows = await _NEXT_FREE.rows(session, specialty_id is not None, values)
    return [SlotRow(*row) for row in rows]


async def free_slots(
    session: AsyncSession,
    *,
    facility_id: uuid.UUID,
    specialty_id: uuid.UUID | None,
    practitioner_id: uuid.UUID | None,
    start: datetime,
    end: datetime,
    now: datetime,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[SlotRow]:
    """Bookable slots starting in [start, end), earliest first; keyset on (start_at, id)."""
    statement = select(*SLOT_COLUMNS).where(
        Slot.facility_id == facility_id, Slot.start_at >= start, Slot.start_at < end
    )
    statement = statement.where(*_bookable(now))
    if specialty_id is not None:
        statement = statement.where(Slot.specialty_id == specialty_id)
    if practitioner_id is not None:
        statement = statement.where(Slot.practitioner_id == practitioner_id)
    if after is not None:
        last_start, last_id = after
        statement = statement.where(
            or_(Slot.start_at > last_start, and_(Slot.start_at == last_start, Slot.id > last_id))
        )
    statement = statement.order_by(Slot.start_at, Slot.id).limit(limit)
    return [SlotRow(*row) for row in await session.execute(statement)]


async def slot_by_id(session: AsyncSession, slot_id: uuid.UUID) -> Slot | None:
    return await session.get(Slot, slot_id)


def _by_ids_statement(_: None, dialect: str) -> Select[*tuple[Any, ...]]:
    return select(*SLOT_COLUMNS).where(one_of(Slot.id, "ids", Uuid(), dialect))


_BY_IDS = Prepared(_by_ids_statement)


async def slots_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[SlotRow]:
    """Slots as they stand, read without entities (a prepared read: a booking refused for a
    full slot reads one this way)."""
    return [SlotRow(*row) for row in await _BY_IDS.rows(session, None, {"ids": list(ids)})]


async def take_seat(session: AsyncSession, slot_id: uuid.UUID, now: datetime) -> bool:
    """Book one seat in a single conditional UPDATE: concurrent bookings can never exceed the
    capacity, because the database re-checks the condition on the row it locks."""
    statement = (
        update(Slot)
        .where(Slot.id == slot_id, *_bookable(now))
        .values(booked=Slot.booked + 1)
        .returning(Slot.id)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def release_seat(session: AsyncSession, slot_id: uuid.UUID) -> None:
    await session.execute(
        update(Slot)
        .where(Slot.id == slot_id, Slot.booked > 0)
        .values(booked=Slot.booked - 1)
        .execution_options(synchronize_session=False)
    )


async def lock_slots(session: AsyncSession, ids: Sequence[uuid.UUID]) -> None:
    """Lock slot rows in id order, so transactions touching several never deadlock."""
    statement = select(Slot.id).where(Slot.id.in_(ids)).order_by(Slot.id).with_for_update()
    await session.execute(statement)


async def lock_slots_between(
    session: AsyncSession,
    *,
    facility_id: uuid.UUID,
    practitioner_id: uuid.UUID | None,
    start: datetime,
    end: datetime,
) -> list[uuid.UUID]:
    statement = select(Slot.id).where(
        Slot.facility_id == facility_id, Slot.start_at >= start, Slot.start_at < end
    )
    if practitioner_id is not None:
        statement = statement.where(Slot.practitioner_id == practitioner_id)
    statement = statement.order_by(Slot.id).with_for_update()
    return list((await session.scalars(statement)).all())


async def block_slots(session: AsyncSession, ids: Sequence[uuid.UUID]) -> None:
    """Block slots and recount their seats from the appointments that still hold one."""
    held = (
        select(func.count())
        .where(Appointment.slot_id == Slot.id, Appointment.status.in_(HOLDS_A_SEAT))
        .scalar_subquery()
    )
    await session.execute(
        update(Slot)
        .where(Slot.id.in_(ids))
        .values(blocked=True, booked=held)
        .execution_options(synchronize_session=False)
    )


async def existing_slot_starts(
    session: AsyncSession, schedule_ids: Sequence[uuid.UUID], start: datetime, end: datetime
) -> set[tuple[uuid.UUID, datetime]]:
    statement = select(Slot.schedule_id, Slot.start_at).where(
        Slot.schedule_id.in_(schedule_ids), Slot.start_at >= start, Slot.start_at < end
    )
    return {(schedule_id, start_at) for schedule_id, start_at in await session.execute(statement)}


async def add_slots(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert slots; one generated concurrently for the same schedule and start is skipped."""
    if rows:
        statement = dialect_insert(session)(Slot).on_conflict_do_nothing(
            index_elements=[Slot.schedule_id, Slot.start_at]
        )
        await session.execute(statement, list(rows))

"""Every SQL statement of the health domain.

Facility search joins `places` (the facility's name, address and GiST-indexed location live
there); nothing else of another domain is read here.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from shapely.geometry import Point
from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import spatial
from backend.db.dialect import insert_ignoring_conflicts
from backend.health.models import (
    AccessLogEntry,
    Appointment,
    AppointmentStatus,
    BookingLock,
    Closure,
    Dependant,
    Facility,
    FacilitySpecialty,
    OpeningHours,
    Practitioner,
    PractitionerSpecialty,
    QueueCounter,
    Reminder,
    Schedule,
    Slot,
    Specialty,
)
from backend.places.models import Place

# Every status but cancelled keeps its seat: a no-show's seat was not given to anyone else.
HOLDS_A_SEAT = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.FULFILLED,
    AppointmentStatus.NOSHOW,
)


def _insert(session: AsyncSession) -> Any:
    """The dialect's INSERT construct, for ON CONFLICT clauses."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


# --- facilities --------------------------------------------------------------------------------


async def facilities_near(
    session: AsyncSession,
    *,
    near: Point,
    radius_m: float,
    specialty_id: uuid.UUID | None,
    accepts_insurance: bool | None,
    open_at: tuple[int, int] | None,
    after: tuple[float, uuid.UUID] | None,
    limit: int,
) -> list[tuple[Facility, Place, float]]:
    """Facilities within the radius, nearest first; keyset on (distance, id)."""
    distance = spatial.distance_meters(Place.location, near).label("distance_m")
    statement = (
        select(Facility, Place, distance)
        .join(Place, Place.id == Facility.id)
        .where(spatial.within_meters(Place.location, near, radius_m))
    )
    if specialty_id is not None:
        statement = statement.where(
            exists().where(
                FacilitySpecialty.facility_id == Facility.id,
                FacilitySpecialty.specialty_id == specialty_id,
            )
        )
    if accepts_insurance is not None:
        statement = statement.where(Facility.accepts_insurance.is_(accepts_insurance))
    if open_at is not None:
        weekday, minute = open_at
        statement = statement.where(
            exists().where(
                OpeningHours.facility_id == Facility.id,
                OpeningHours.weekday == weekday,
                OpeningHours.opens_minute <= minute,
                OpeningHours.closes_minute > minute,
            )
        )
    if after is not None:
        last_distance, last_id = after
        statement = statement.where(
            or_(distance > last_distance, and_(distance == last_distance, Facility.id > last_id))
        )
    statement = statement.order_by(distance, Facility.id).limit(limit)
    rows = (await session.execute(statement)).all()
    return [(facility, place, float(meters)) for facility, place, meters in rows]


async def facilities_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[tuple[Facility, Place]]:
    statement = select(Facility, Place).join(Place, Place.id == Facility.id)
    rows = (await session.execute(statement.where(Facility.id.in_(ids)))).all()
    return [(facility, place) for facility, place in rows]


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


# --- slots -------------------------------------------------------------------------------------


def _bookable(now: datetime) -> list[Any]:
    return [Slot.start_at > now, Slot.booked < Slot.capacity, Slot.blocked.is_(False)]


async def next_free_slots(
    session: AsyncSession,
    facility_ids: Sequence[uuid.UUID],
    specialty_id: uuid.UUID | None,
    now: datetime,
) -> Sequence[Slot]:
    """The earliest bookable slot of each facility, in one statement (a window function)."""
    rank = (
        func.row_number()
        .over(partition_by=Slot.facility_id, order_by=(Slot.start_at, Slot.id))
        .label("rank")
    )
    ranked = select(Slot.id, rank).where(Slot.facility_id.in_(facility_ids), *_bookable(now))
    if specialty_id is not None:
        ranked = ranked.where(Slot.specialty_id == specialty_id)
    first = ranked.subquery()
    statement = select(Slot).join(first, first.c.id == Slot.id).where(first.c.rank == 1)
    return (await session.scalars(statement)).all()


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
) -> Sequence[Slot]:
    """Bookable slots starting in [start, end), earliest first; keyset on (start_at, id)."""
    statement = select(Slot).where(
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
    return (await session.scalars(statement)).all()


async def slot_by_id(session: AsyncSession, slot_id: uuid.UUID) -> Slot | None:
    return await session.get(Slot, slot_id)


async def slots_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Slot]:
    return (await session.scalars(select(Slot).where(Slot.id.in_(ids)))).all()


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
        statement = _insert(session)(Slot).on_conflict_do_nothing(
            index_elements=[Slot.schedule_id, Slot.start_at]
        )
        await session.execute(statement, list(rows))


# --- schedules and closures --------------------------------------------------------------------


async def add(session: AsyncSession, row: object) -> None:
    session.add(row)
    await session.flush()


async def schedules_overlapping(
    session: AsyncSession,
    *,
    facility_id: uuid.UUID,
    practitioner_id: uuid.UUID | None,
    specialty_id: uuid.UUID,
    weekday: int,
    start_minute: int,
    end_minute: int,
) -> bool:
    """Whether the same practitioner (or the same specialty desk) already works then."""
    statement = select(Schedule.id).where(
        Schedule.facility_id == facility_id,
        Schedule.active.is_(True),
        Schedule.weekday == weekday,
        Schedule.start_minute < end_minute,
        Schedule.end_minute > start_minute,
    )
    if practitioner_id is not None:
        statement = statement.where(Schedule.practitioner_id == practitioner_id)
    else:
        statement = statement.where(
            Schedule.practitioner_id.is_(None), Schedule.specialty_id == specialty_id
        )
    return await session.scalar(statement.limit(1)) is not None


async def active_schedules(
    session: AsyncSession, schedule_ids: Sequence[uuid.UUID] | None = None
) -> Sequence[Schedule]:
    statement = select(Schedule).where(Schedule.active.is_(True))
    if schedule_ids is not None:
        statement = statement.where(Schedule.id.in_(schedule_ids))
    return (await session.scalars(statement.order_by(Schedule.id))).all()


async def closures_between(
    session: AsyncSession, facility_ids: Sequence[uuid.UUID], first_day: date, last_day: date
) -> Sequence[Closure]:
    statement = select(Closure).where(
        Closure.facility_id.in_(facility_ids),
        Closure.starts_on <= last_day,
        Closure.ends_on >= first_day,
    )
    return (await session.scalars(statement)).all()


async def closures_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Closure]:
    return (await session.scalars(select(Closure).where(Closure.id.in_(ids)))).all()


# --- dependants and the booking lock -----------------------------------------------------------


async def dependants_of(session: AsyncSession, account_id: uuid.UUID) -> Sequence[Dependant]:
    statement = (
        select(Dependant)
        .where(Dependant.account_id == account_id)
        .order_by(Dependant.created_at, Dependant.id)
    )
    return (await session.scalars(statement)).all()


async def dependants_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Dependant]:
    return (await session.scalars(select(Dependant).where(Dependant.id.in_(ids)))).all()


async def lock_account(session: AsyncSession, account_id: uuid.UUID) -> None:
    """Serialise one account's bookings: create its lock row if missing, then lock it."""
    await insert_ignoring_conflicts(session, BookingLock, {"account_id": account_id})
    await session.execute(
        select(BookingLock.account_id).where(BookingLock.account_id == account_id).with_for_update()
    )


# --- appointments ------------------------------------------------------------------------------


async def appointment_by_id(
    session: AsyncSession, appointment_id: uuid.UUID, *, for_update: bool = False
) -> Appointment | None:
    statement = select(Appointment).where(Appointment.id == appointment_id)
    if for_update:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def transition(
    session: AsyncSession,
    appointment_id: uuid.UUID,
    *,
    from_statuses: Sequence[AppointmentStatus],
    values: dict[str, Any],
) -> Appointment | None:
    """Change an appointment only if it is still in one of `from_statuses` (a conditional
    UPDATE, so two concurrent changes cannot both apply); None when it was not."""
    statement = (
        update(Appointment)
        .where(Appointment.id == appointment_id, Appointment.status.in_(from_statuses))
        .values(**values)
        .returning(Appointment)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    return (await session.scalars(statement)).one_or_none()


async def appointments_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> Sequence[Appointment]:
    return (await session.scalars(select(Appointment).where(Appointment.id.in_(ids)))).all()


async def count_upcoming(session: AsyncSession, account_id: uuid.UUID, now: datetime) -> int:
    statement = select(func.count()).where(
        Appointment.account_id == account_id,
        Appointment.status == AppointmentStatus.BOOKED,
        Appointment.start_at > now,
    )
    return int(await session.scalar(statement) or 0)


async def patient_busy(
    session: AsyncSession,
    *,
    account_id: uuid.UUID,
    dependant_id: uuid.UUID | None,
    start: datetime,
    end: datetime,
    excluding: uuid.UUID | None = None,
) -> bool:
    """Whether this patient (the account holder, or one dependant) has an appointment then."""
    patient = (
        Appointment.dependant_id.is_(None)
        if dependant_id is None
        else Appointment.dependant_id == dependant_id
    )
    statement = select(Appointment.id).where(
        Appointment.account_id == account_id,
        patient,
        Appointment.status.in_((AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)),
        Appointment.start_at < end,
        Appointment.end_at > start,
    )
    if excluding is not None:
        statement = statement.where(Appointment.id != excluding)
    return await session.scalar(statement.limit(1)) is not None


async def appointments_of_account(
    session: AsyncSession,
    account_id: uuid.UUID,
    *,
    status: AppointmentStatus | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Appointment]:
    """Latest start first; keyset on (start_at, id) descending."""
    statement = select(Appointment).where(Appointment.account_id == account_id)
    if status is not None:
        statement = statement.where(Appointment.status == status)
    if after is not None:
        last_start, last_id = after
        statement = statement.where(
            or_(
                Appointment.start_at < last_start,
                and_(Appointment.start_at == last_start, Appointment.id < last_id),
            )
        )
    statement = statement.order_by(Appointment.start_at.desc(), Appointment.id.desc())
    return (await session.scalars(statement.limit(limit))).all()


async def appointments_of_facility_day(
    session: AsyncSession,
    facility_id: uuid.UUID,
    day: date,
    *,
    status: AppointmentStatus | None,
    after_number: int | None,
    limit: int,
) -> Sequence[Appointment]:
    """A facility's queue for one local day, by queue number."""
    statement = select(Appointment).where(
        Appointment.facility_id == facility_id, Appointment.local_day == day
    )
    if status is not None:
        statement = statement.where(Appointment.status == status)
    if after_number is not None:
        statement = statement.where(Appointment.queue_number > after_number)
    statement = statement.order_by(Appointment.queue_number).limit(limit)
    return (await session.scalars(statement)).all()


async def booked_appointments_between(
    session: AsyncSession,
    *,
    facility_id: uuid.UUID,
    practitioner_id: uuid.UUID | None,
    start: datetime,
    end: datetime,
) -> Sequence[Appointment]:
    """Booked appointments a closure hits, locked in id order."""
    statement = (
        select(Appointment)
        .join(Slot, Slot.id == Appointment.slot_id)
        .where(
            Appointment.facility_id == facility_id,
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.start_at >= start,
            Appointment.start_at < end,
        )
    )
    if practitioner_id is not None:
        statement = statement.where(Slot.practitioner_id == practitioner_id)
    statement = statement.order_by(Appointment.id).with_for_update(of=Appointment)
    return (await session.scalars(statement)).all()


async def next_queue_number(session: AsyncSession, facility_id: uuid.UUID, day: date) -> int:
    """The next queue number of a facility's day, from one atomic upsert."""
    statement = (
        _insert(session)(QueueCounter)
        .values(facility_id=facility_id, local_day=day, last=1)
        .on_conflict_do_update(
            index_elements=[QueueCounter.facility_id, QueueCounter.local_day],
            set_={"last": QueueCounter.last + 1},
        )
        .returning(QueueCounter.last)
    )
    return int((await session.execute(statement)).scalar_one())


# --- reminders ---------------------------------------------------------------------------------


async def add_all(session: AsyncSession, rows: Sequence[object]) -> None:
    session.add_all(rows)
    await session.flush()


async def due_reminders(
    session: AsyncSession, now: datetime, limit: int
) -> list[tuple[Reminder, Appointment]]:
    statement = (
        select(Reminder, Appointment)
        .join(Appointment, Appointment.id == Reminder.appointment_id)
        .where(Reminder.handled_at.is_(None), Reminder.due_at <= now)
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
    )
    return [(reminder, appointment) for reminder, appointment in await session.execute(statement)]


async def claim_reminders(
    session: AsyncSession, ids: Sequence[uuid.UUID], now: datetime
) -> set[uuid.UUID]:
    """Mark reminders handled; only those this call marked are returned, so two workers never
    push the same reminder."""
    statement = (
        update(Reminder)
        .where(Reminder.id.in_(ids), Reminder.handled_at.is_(None))
        .values(handled_at=now)
        .returning(Reminder.id)
        .execution_options(synchronize_session=False)
    )
    return set((await session.scalars(statement)).all())


async def mark_pushed(session: AsyncSession, ids: Sequence[uuid.UUID]) -> None:
    if ids:
        await session.execute(
            update(Reminder)
            .where(Reminder.id.in_(ids))
            .values(pushed=True)
            .execution_options(synchronize_session=False)
        )


# --- access log --------------------------------------------------------------------------------


async def log_access(session: AsyncSession, entries: Sequence[AccessLogEntry]) -> None:
    session.add_all(entries)
    await session.flush()

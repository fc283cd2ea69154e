"""Staff define when they see patients (weekly availability) and when they do not (closures);
bookable slots are materialised from that for a rolling horizon.

A closure that hits booked appointments cancels them and tells each patient.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, NotFound
from backend.free_text import check_printable
from backend.health import access, notices
from backend.health.facilities import specialty_id_of
from backend.health.live import appointments_changed
from backend.health.localtime import MINUTES_PER_DAY, at_local_minute, local_day, local_days
from backend.health.models import (
    AccessAction,
    Appointment,
    AppointmentStatus,
    CancelledBy,
    Closure,
    Facility,
    Schedule,
)
from backend.health.policy import HealthPolicy
from backend.health.repository import appointments as appointment_rows
from backend.health.repository import facilities as facility_rows
from backend.health.repository import rows
from backend.health.repository import schedules as schedule_rows
from backend.health.repository import slots as slot_rows
from backend.i18n import Translated
from notifications.service import notify

MIN_SLOT_MINUTES = 5
MAX_SLOT_MINUTES = 240
MAX_CAPACITY = 50
MAX_CLOSURE_DAYS = 366
# Slots exist at most a year ahead; a closure further out has nothing to close (and one at the
# end of year 9999 would have no end instant at all).
MAX_CLOSURE_AHEAD_DAYS = 2 * 366
MAX_CLOSURE_REASON = 200


@dataclass(frozen=True, slots=True)
class Availability:
    facility_id: uuid.UUID
    practitioner_id: uuid.UUID | None  # None: a specialty desk
    specialty_code: str
    weekday: int
    start_minute: int
    end_minute: int
    slot_minutes: int
    capacity: int


@dataclass(frozen=True, slots=True)
class ClosureRequest:
    facility_id: uuid.UUID
    practitioner_id: uuid.UUID | None  # None: the whole facility
    starts_on: date
    ends_on: date
    reason_vi: str
    reason_en: str | None  # defaults to the Vietnamese text


async def schedules_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Schedule]:
    return await schedule_rows.schedules_by_ids(session, ids)


async def add_weekly_availability(
    uow: UnitOfWork,
    policy: HealthPolicy,
    *,
    staff_id: uuid.UUID,
    availability: Availability,
    now: datetime,
) -> Schedule:
    """Add a weekly rule and materialise its slots over the horizon at once."""
    session = uow.session
    facility = await _facility_of_staff(session, staff_id, availability.facility_id)
    _check_shape(availability)
    specialty_id = await specialty_id_of(session, availability.specialty_code)
    if not await facility_rows.facility_offers(session, facility.id, specialty_id):
        raise BadUserInput("health.specialty_not_offered", field="specialty")
    if availability.practitioner_id is not None:
        await _check_practitioner(session, facility.id, availability.practitioner_id)
        if not await facility_rows.practitioner_practises(
            session, availability.practitioner_id, specialty_id
        ):
            raise BadUserInput("health.practitioner_specialty", field="specialty")
    if await schedule_rows.schedules_overlapping(
        session,
        facility_id=facility.id,
        practitioner_id=availability.practitioner_id,
        specialty_id=specialty_id,
        weekday=availability.weekday,
        start_minute=availability.start_minute,
        end_minute=availability.end_minute,
    ):
        raise Conflict("health.schedule_overlap", field="start")
    schedule = Schedule(
        id=uuid.uuid4(),
        facility_id=facility.id,
        practitioner_id=availability.practitioner_id,
        specialty_id=specialty_id,
        weekday=availability.weekday,
        start_minute=availability.start_minute,
        end_minute=availability.end_minute,
        slot_minutes=availability.slot_minutes,
        capacity=availability.capacity,
        active=True,
        created_at=now,
    )
    await rows.add(session, schedule)
    await generate_slots(session, horizon_days=policy.horizon_days, now=now, schedules=[schedule])
    return schedule


async def add_closure(
    uow: UnitOfWork, *, staff_id: uuid.UUID, request: ClosureRequest, now: datetime
) -> tuple[Closure, list[Appointment]]:
    """Close days; block their slots; cancel the booked appointments they hit, and push the
    news to each patient. Returns the closure and the appointments it cancelled."""
    session = uow.session
    facility = await _facility_of_staff(session, staff_id, request.facility_id)
    if request.ends_on < request.starts_on or (
        (request.ends_on - request.starts_on).days >= MAX_CLOSURE_DAYS
    ):
        raise BadUserInput("health.date_range", field="endsOn", max_days=MAX_CLOSURE_DAYS)
    if request.ends_on < local_day(now):
        raise BadUserInput("health.closure_past", field="endsOn")
    if (request.ends_on - local_day(now)).days > MAX_CLOSURE_AHEAD_DAYS:
        raise BadUserInput(
            "health.closure_too_far", field="endsOn", max_days=MAX_CLOSURE_AHEAD_DAYS
        )
    reason_vi = _closure_reason(request.reason_vi, field="reasonVi")
    reason_en = _closure_reason(request.reason_en, field="reasonEn") if request.reason_en else None
    if request.practitioner_id is not None:
        await _check_practitioner(session, facility.id, request.practitioner_id)

    closure = Closure(
        id=uuid.uuid4(),
        facility_id=facility.id,
        practitioner_id=request.practitioner_id,
        starts_on=request.starts_on,
        ends_on=request.ends_on,
        reason=Translated.of(reason_vi, reason_en),
        created_by=staff_id,
        created_at=now,
    )
    await rows.add(session, closure)
    start = max(at_local_minute(request.starts_on, 0), now)
    end = at_local_minute(request.ends_on, MINUTES_PER_DAY)
    # Slots first, then appointments: the lock order every booking path follows.
    slot_ids = await slot_rows.lock_slots_between(
        session,
        facility_id=facility.id,
        practitioner_id=request.practitioner_id,
        start=start,
        end=end,
    )
    hit = await appointment_rows.booked_appointments_between(
        session,
        facility_id=facility.id,
        practitioner_id=request.practitioner_id,
        start=start,
        end=end,
    )
    cancelled = []
    for appointment in hit:
        row = await appointment_rows.transition(
            session,
            appointment.id,
            from_statuses=[AppointmentStatus.BOOKED],
            values={
                "status": AppointmentStatus.CANCELLED,
                "cancelled_at": now,
                "cancelled_by": CancelledBy.FACILITY,
                "closure_id": closure.id,
                "updated_at": now,
            },
        )
        if row is not None:
            cancelled.append(row)
    await slot_rows.block_slots(session, slot_ids)
    await access.record(session, staff_id, cancelled, AccessAction.CANCEL, now)
    appointments_changed(uow, cancelled)
    for appointment in cancelled:
        await notify(
            uow,
            user_ids=[appointment.account_id],
            message=notices.cancelled_by_facility(appointment),
            now=now,
        )
    return closure, cancelled


async def generate_slots(
    session: AsyncSession,
    *,
    horizon_days: int,
    now: datetime,
    schedules: Sequence[Schedule] | None = None,
) -> int:
    """Materialise the slots of active schedules (or of `schedules`) from today (local) for
    `horizon_days`, skipping closed days, past starts and slots that exist. Idempotent;
    returns how many slots were added."""
    rules = (
        list(schedules) if schedules is not None else await schedule_rows.active_schedules(session)
    )
    if not rules:
        return 0
    days = local_days(local_day(now), horizon_days)
    closures = await schedule_rows.closures_between(
        session, list({rule.facility_id for rule in rules}), days[0], days[-1]
    )
    start, end = at_local_minute(days[0], 0), at_local_minute(days[-1], MINUTES_PER_DAY)
    existing = await slot_rows.existing_slot_starts(
        session, [rule.id for rule in rules], start, end
    )
    rows: list[dict[str, Any]] = []
    for rule in rules:
        for day in days:
            if day.weekday() != rule.weekday or _closed(closures, rule, day):
                continue
            last_start = rule.end_minute - rule.slot_minutes
            for minute in range(rule.start_minute, last_start + 1, rule.slot_minutes):
                slot_start = at_local_minute(day, minute)
                if slot_start <= now or (rule.id, slot_start) in existing:
                    continue
                rows.append(
                    _slot_row(rule, slot_start, at_local_minute(day, minute + rule.slot_minutes))
                )
    await slot_rows.add_slots(session, rows)
    return len(rows)


def _slot_row(rule: Schedule, start: datetime, end: datetime) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "facility_id": rule.facility_id,
        "schedule_id": rule.id,
        "practitioner_id": rule.practitioner_id,
        "specialty_id": rule.specialty_id,
        "start_at": start,
        "end_at": end,
        "capacity": rule.capacity,
        "booked": 0,
        "blocked": False,
    }


def _closed(closures: Sequence[Closure], rule: Schedule, day: date) -> bool:
    return any(
        closure.facility_id == rule.facility_id
        and closure.practitioner_id in (None, rule.practitioner_id)
        and closure.starts_on <= day <= closure.ends_on
        for closure in closures
    )


async def _facility_of_staff(
    session: AsyncSession, staff_id: uuid.UUID, facility_id: uuid.UUID
) -> Facility:
    facility = await facility_rows.facility_by_id(session, facility_id, for_update=True)
    if facility is None:
        raise NotFound("health.facility_not_found", field="facilityId")
    await access.require_staff(session, staff_id, facility_id)
    return facility


async def _check_practitioner(
    session: AsyncSession, facility_id: uuid.UUID, practitioner_id: uuid.UUID
) -> None:
    found = await facility_rows.practitioners_by_ids(session, [practitioner_id])
    if not found or found[0].facility_id != facility_id or not found[0].active:
        raise NotFound("health.practitioner_not_found", field="practitionerId")


def _check_shape(availability: Availability) -> None:
    if not 0 <= availability.weekday <= 6:
        raise BadUserInput("input.invalid", field="weekday", detail=str(availability.weekday))
    if not MIN_SLOT_MINUTES <= availability.slot_minutes <= MAX_SLOT_MINUTES:
        raise BadUserInput(
            "health.slot_minutes", field="slotMinutes", min=MIN_SLOT_MINUTES, max=MAX_SLOT_MINUTES
        )
    if not (
        0 <= availability.start_minute < availability.end_minute <= MINUTES_PER_DAY
        and availability.end_minute - availability.start_minute >= availability.slot_minutes
    ):
        raise BadUserInput("health.schedule_interval", field="end")
    if not 1 <= availability.capacity <= MAX_CAPACITY:
        raise BadUserInput("health.capacity", field="capacity", max=MAX_CAPACITY)


def _closure_reason(text: str, *, field: str) -> str:
    if len(text) > MAX_CLOSURE_REASON:
        raise BadUserInput("input.too_long", field=field, max=MAX_CLOSURE_REASON)
    cleaned = check_printable(text, field=field).strip()
    if not cleaned:
        raise BadUserInput("input.required", field=field)
    return cleaned

"""Citizens book, cancel and move appointments.

Guarantees, on PostgreSQL under any concurrency and on SQLite (one writer at a time):
- a slot's capacity is never exceeded: a seat is taken by one conditional UPDATE;
- an account books one thing at a time (its booking-lock row), so a patient never holds two
  overlapping appointments and an account never holds more than `max_upcoming`;
- a refusal changes nothing: the unit of work rolls back.

Locks are always taken in one order — account, slots (by id), appointment — so transactions
never deadlock on each other.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, NotFound
from backend.free_text import check_printable
from backend.health import access, notices, reminders
from backend.health.insurance import normalize_card_number
from backend.health.live import appointments_changed
from backend.health.localtime import local_day
from backend.health.models import (
    AccessAction,
    Appointment,
    AppointmentStatus,
    CancelledBy,
    Slot,
)
from backend.health.policy import HealthPolicy
from backend.health.repository import appointments as appointment_rows
from backend.health.repository import dependants as dependant_rows
from backend.health.repository import facilities as facility_rows
from backend.health.repository import rows
from backend.health.repository import slots as slot_rows
from notifications.service import notify

# A slot as booking reads it: the entity inside a unit of work, or a row read before one.
SlotLike = TypeVar("SlotLike", Slot, slot_rows.SlotRow)

MAX_REASON_LENGTH = 500


@dataclass(frozen=True, slots=True)
class BookingRequest:
    slot_id: uuid.UUID
    dependant_id: uuid.UUID | None  # None: the account holder is the patient
    reason: str | None
    insurance_card_number: str | None


async def book(
    uow: UnitOfWork,
    policy: HealthPolicy,
    *,
    account_id: uuid.UUID,
    request: BookingRequest,
    now: datetime,
) -> Appointment:
    """Take one seat of a slot; the patient gets a queue number and a confirmation push."""
    reason = clean_reason(request.reason)
    card = _card(request.insurance_card_number)
    session = uow.session
    # A full slot is refused before any lock is taken; the conditional UPDATE below stays the
    # authority on the seats.
    slot = await _bookable_slot(session, request.slot_id, now, field="slotId")
    _check_seat_left(slot, field="slotId")
    await dependant_rows.lock_account(session, account_id)
    if request.dependant_id is not None:
        await _check_dependant(session, account_id, request.dependant_id)
    facility = await facility_rows.facility_by_id(session, slot.facility_id)
    if card is not None and (facility is None or not facility.accepts_insurance):
        raise BadUserInput("health.insurance_not_accepted", field="insuranceCardNumber")
    if await appointment_rows.patient_busy(
        session,
        account_id=account_id,
        dependant_id=request.dependant_id,
        start=slot.start_at,
        end=slot.end_at,
    ):
        raise Conflict("health.overlapping", field="slotId")
    if await appointment_rows.count_upcoming(session, account_id, now) >= policy.max_upcoming:
        raise Conflict("health.too_many_upcoming", max=policy.max_upcoming)
    if not await slot_rows.take_seat(session, slot.id, now):
        raise Conflict("health.slot_full", field="slotId")
    appointment = await _create(
        session,
        slot,
        account_id=account_id,
        dependant_id=request.dependant_id,
        reason=reason,
        card=card,
        now=now,
    )
    await notify(uow, user_ids=[account_id], message=notices.booked(appointment), now=now)
    appointments_changed(uow, [appointment])
    return appointment


async def refuse_early(session: AsyncSession, request: BookingRequest, now: datetime) -> None:
    """What `book` would refuse before it takes a lock, checked on a read outside any
    transaction (the request's read connection): in a rush for the last seats, the many who are
    too late are told so without a transaction of their own, so they never queue behind the
    winners'. `book` checks all of it again."""
    clean_reason(request.reason)
    _card(request.insurance_card_number)
    found = await slot_rows.slots_by_ids(session, [request.slot_id])
    slot = _bookable(found[0] if found else None, now, field="slotId")
    _check_seat_left(slot, field="slotId")


async def cancel(
    uow: UnitOfWork,
    policy: HealthPolicy,
    *,
    actor_id: uuid.UUID,
    appointment_id: uuid.UUID,
    reason: str | None,
    now: datetime,
) -> Appointment:
    """The patient's account cancels until the cut-off; the facility's staff at any time, with
    a reason, and the patient is told. Anyone else learns nothing, not even that it exists."""
    text = clean_reason(reason)
    session = uow.session
    appointment = await appointment_rows.appointment_by_id(session, appointment_id)
    if appointment is None:
        raise NotFound("health.appointment_not_found", field="appointmentId")
    if appointment.account_id == actor_id:
        by = CancelledBy.PATIENT
    elif await access.is_staff(session, actor_id, appointment.facility_id):
        by = CancelledBy.FACILITY
        if text is None:
            raise BadUserInput("input.required", field="reason")
    else:
        raise NotFound("health.appointment_not_found", field="appointmentId")
    if appointment.status is not AppointmentStatus.BOOKED:
        raise Conflict("health.status_transition", field="appointmentId")
    if by is CancelledBy.PATIENT:
        _check_cutoff(policy, appointment, now)

    await slot_rows.lock_slots(session, [appointment.slot_id])
    cancelled = await appointment_rows.transition(
        session,
        appointment.id,
        from_statuses=[AppointmentStatus.BOOKED],
        values={
            "status": AppointmentStatus.CANCELLED,
            "cancelled_at": now,
            "cancelled_by": by,
            "cancel_reason": text,
            "updated_at": now,
        },
    )
    if cancelled is None:
        raise Conflict("health.status_transition", field="appointmentId")
    await slot_rows.release_seat(session, cancelled.slot_id)
    appointments_changed(uow, [cancelled])
    if by is CancelledBy.FACILITY:
        await access.record(session, actor_id, [cancelled], AccessAction.CANCEL, now)
        await notify(
            uow,
            user_ids=[cancelled.account_id],
            message=notices.cancelled_by_facility(cancelled),
            now=now,
        )
    return cancelled


async def reschedule(
    uow: UnitOfWork,
    policy: HealthPolicy,
    *,
    account_id: uuid.UUID,
    appointment_id: uuid.UUID,
    new_slot_id: uuid.UUID,
    now: datetime,
) -> Appointment:
    """Move to another slot of the same facility, atomically: the old appointment is cancelled
    (and points to its replacement) only if the new seat was taken. Returns the new one."""
    session = uow.session
    await dependant_rows.lock_account(session, account_id)
    old = await appointment_rows.appointment_by_id(session, appointment_id)
    if old is None or old.account_id != account_id:
        raise NotFound("health.appointment_not_found", field="appointmentId")
    if old.status is not AppointmentStatus.BOOKED:
        raise Conflict("health.status_transition", field="appointmentId")
    _check_cutoff(policy, old, now)
    if new_slot_id == old.slot_id:
        raise BadUserInput("health.same_slot", field="newSlotId")
    slot = await _bookable_slot(session, new_slot_id, now, field="newSlotId")
    if slot.facility_id != old.facility_id:
        raise BadUserInput("health.reschedule_other_facility", field="newSlotId")
    if await appointment_rows.patient_busy(
        session,
        account_id=account_id,
        dependant_id=old.dependant_id,
        start=slot.start_at,
        end=slot.end_at,
        excluding=old.id,
    ):
        raise Conflict("health.overlapping", field="newSlotId")

    await slot_rows.lock_slots(session, [old.slot_id, slot.id])
    if not await slot_rows.take_seat(session, slot.id, now):
        raise Conflict("health.slot_full", field="newSlotId")
    new = await _create(
        session,
        slot,
        account_id=account_id,
        dependant_id=old.dependant_id,
        reason=old.reason,
        card=old.insurance_card_number,
        now=now,
    )
    moved = await appointment_rows.transition(
        session,
        old.id,
        from_statuses=[AppointmentStatus.BOOKED],
        values={
            "status": AppointmentStatus.CANCELLED,
            "cancelled_at": now,
            "cancelled_by": CancelledBy.PATIENT,
            "replaced_by_id": new.id,
            "updated_at": now,
        },
    )
    if moved is None:
        raise Conflict("health.status_transition", field="appointmentId")
    await slot_rows.release_seat(session, old.slot_id)
    await notify(uow, user_ids=[account_id], message=notices.rescheduled(new), now=now)
    appointments_changed(uow, [moved, new])
    return new


def clean_reason(reason: str | None, *, field: str = "reason") -> str | None:
    if reason is None:
        return None
    if len(reason) > MAX_REASON_LENGTH:
        raise BadUserInput("input.too_long", field=field, max=MAX_REASON_LENGTH)
    return check_printable(reason, field=field).strip() or None


def _card(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    return normalize_card_number(raw)


def _check_cutoff(policy: HealthPolicy, appointment: Appointment, now: datetime) -> None:
    if appointment.start_at - now < policy.cancel_cutoff:
        minutes = int(policy.cancel_cutoff.total_seconds() // 60)
        raise Conflict("health.cancel_too_late", field="appointmentId", minutes=minutes)


async def _check_dependant(
    session: AsyncSession, account_id: uuid.UUID, dependant_id: uuid.UUID
) -> None:
    found = await dependant_rows.dependants_by_ids(session, [dependant_id])
    if not found or found[0].account_id != account_id:
        raise NotFound("health.dependant_not_found", field="patient")


async def _bookable_slot(
    session: AsyncSession, slot_id: uuid.UUID, now: datetime, *, field: str
) -> Slot:
    return _bookable(await slot_rows.slot_by_id(session, slot_id), now, field=field)


def _bookable(slot: SlotLike | None, now: datetime, *, field: str) -> SlotLike:
    if slot is None:
        raise NotFound("health.slot_not_found", field=field)
    if slot.start_at <= now:
        raise BadUserInput("health.slot_past", field=field)
    if slot.blocked:
        raise Conflict("health.slot_closed", field=field)
    return slot


def _check_seat_left(slot: Slot | slot_rows.SlotRow, *, field: str) -> None:
    if slot.booked >= slot.capacity:
        raise Conflict("health.slot_full", field=field)


async def _create(
    session: AsyncSession,
    slot: Slot,
    *,
    account_id: uuid.UUID,
    dependant_id: uuid.UUID | None,
    reason: str | None,
    card: str | None,
    now: datetime,
) -> Appointment:
    day = local_day(slot.start_at)
    appointment = Appointment(
        id=uuid.uuid4(),
        facility_id=slot.facility_id,
        slot_id=slot.id,
        account_id=account_id,
        dependant_id=dependant_id,
        status=AppointmentStatus.BOOKED,
        start_at=slot.start_at,
        end_at=slot.end_at,
        local_day=day,
        queue_number=await appointment_rows.next_queue_number(session, slot.facility_id, day),
        reason=reason,
        insurance_card_number=card,
        created_at=now,
        updated_at=now,
    )
    await rows.add(session, appointment)
    await rows.add_all(session, reminders.plan(appointment, now))
    return appointment

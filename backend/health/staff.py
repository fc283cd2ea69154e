"""What a facility's staff do with appointments: see the day's queue, check patients in, close
visits, record no-shows. Every access is written to the access log in the same transaction.

Someone who is not staff of the appointment's facility gets NOT_FOUND, as if it did not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Protocol

from backend.db.unit_of_work import UnitOfWork
from backend.errors import Conflict, NotFound
from backend.health import access
from backend.health.live import appointments_changed
from backend.health.models import AccessAction, Appointment, AppointmentStatus
from backend.health.repository import appointments as appointment_rows


class StaffAction(Protocol):
    """The shape of a staff status move (check-in, complete, no-show)."""

    async def __call__(
        self, uow: UnitOfWork, *, staff_id: uuid.UUID, appointment_id: uuid.UUID, now: datetime
    ) -> Appointment: ...


async def check_in(
    uow: UnitOfWork, *, staff_id: uuid.UUID, appointment_id: uuid.UUID, now: datetime
) -> Appointment:
    """booked → arrived: the patient is at the desk."""
    return await _move(
        uow,
        staff_id,
        appointment_id,
        from_status=AppointmentStatus.BOOKED,
        to_status=AppointmentStatus.ARRIVED,
        action=AccessAction.CHECK_IN,
        now=now,
    )


async def complete(
    uow: UnitOfWork, *, staff_id: uuid.UUID, appointment_id: uuid.UUID, now: datetime
) -> Appointment:
    """arrived → fulfilled: the visit took place."""
    return await _move(
        uow,
        staff_id,
        appointment_id,
        from_status=AppointmentStatus.ARRIVED,
        to_status=AppointmentStatus.FULFILLED,
        action=AccessAction.COMPLETE,
        now=now,
    )


async def mark_no_show(
    uow: UnitOfWork, *, staff_id: uuid.UUID, appointment_id: uuid.UUID, now: datetime
) -> Appointment:
    """booked → noshow, once the appointment has started; the seat stays counted."""

    def started(appointment: Appointment) -> None:
        if appointment.start_at > now:
            raise Conflict("health.not_started", field="appointmentId")

    return await _move(
        uow,
        staff_id,
        appointment_id,
        from_status=AppointmentStatus.BOOKED,
        to_status=AppointmentStatus.NOSHOW,
        action=AccessAction.NO_SHOW,
        now=now,
        check=started,
    )


async def facility_day(
    uow: UnitOfWork,
    *,
    staff_id: uuid.UUID,
    facility_id: uuid.UUID,
    day: date,
    status: AppointmentStatus | None,
    after_number: int | None,
    page_size: int,
    now: datetime,
) -> Sequence[Appointment]:
    """One page of a facility's queue for a local day, plus one row that only says "more";
    the page's appointments are logged as read."""
    await access.require_staff(uow.session, staff_id, facility_id)
    rows = await appointment_rows.appointments_of_facility_day(
        uow.session,
        facility_id,
        day,
        status=status,
        after_number=after_number,
        limit=page_size + 1,
    )
    await access.record(uow.session, staff_id, rows[:page_size], AccessAction.READ, now)
    return rows


async def visible_appointments(
    uow: UnitOfWork, *, viewer_id: uuid.UUID, ids: Sequence[uuid.UUID], now: datetime
) -> dict[uuid.UUID, Appointment]:
    """The appointments among `ids` the viewer may see: their account's, and, logged as read,
    those of facilities they work for."""
    rows = await appointment_rows.appointments_by_ids(uow.session, ids)
    own = {row.id: row for row in rows if row.account_id == viewer_id}
    others = [row for row in rows if row.account_id != viewer_id]
    if not others:
        return own
    workplaces = await access.staff_facilities(uow.session, viewer_id)
    read = [row for row in others if row.facility_id in workplaces]
    await access.record(uow.session, viewer_id, read, AccessAction.READ, now)
    return own | {row.id: row for row in read}


async def _move(
    uow: UnitOfWork,
    staff_id: uuid.UUID,
    appointment_id: uuid.UUID,
    *,
    from_status: AppointmentStatus,
    to_status: AppointmentStatus,
    action: AccessAction,
    now: datetime,
    check: Callable[[Appointment], None] | None = None,
) -> Appointment:
    session = uow.session
    appointment = await appointment_rows.appointment_by_id(session, appointment_id)
    if appointment is None or not await access.is_staff(session, staff_id, appointment.facility_id):
        raise NotFound("health.appointment_not_found", field="appointmentId")
    if appointment.status is not from_status:
        raise Conflict("health.status_transition", field="appointmentId")
    if check is not None:
        check(appointment)
    moved = await appointment_rows.transition(
        session,
        appointment.id,
        from_statuses=[from_status],
        values={"status": to_status, "updated_at": now},
    )
    if moved is None:
        raise Conflict("health.status_transition", field="appointmentId")
    await access.record(session, staff_id, [moved], action, now)
    appointments_changed(uow, [moved])
    return moved

"""Appointments, their conditional status changes and the per-day queue numbers."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Integer, Select, Uuid, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset
from backend.db.prepared import Prepared
from backend.db.rows import columns
from backend.db.types import UTCDateTime
from backend.health.models import (
    Appointment,
    AppointmentStatus,
    CancelledBy,
    QueueCounter,
    Slot,
)
from backend.health.repository.rows import dialect_insert


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


async def replaced_appointment_ids(
    session: AsyncSession, new_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """For appointments made by rescheduling: new id → the id of the one it replaced."""
    statement = select(Appointment.replaced_by_id, Appointment.id).where(
        Appointment.replaced_by_id.in_(new_ids)
    )
    return {new: old for new, old in await session.execute(statement) if new}


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


class AppointmentRow(NamedTuple):
    """An appointment as a list reads it: every column of `Appointment`, without the ORM's
    bookkeeping (building detached entities was a twentieth of a Home request's CPU)."""

    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    facility_id: uuid.UUID
    slot_id: uuid.UUID
    account_id: uuid.UUID
    dependant_id: uuid.UUID | None
    status: AppointmentStatus
    start_at: datetime
    end_at: datetime
    local_day: date
    queue_number: int
    reason: str | None
    insurance_card_number: str | None
    cancelled_at: datetime | None
    cancelled_by: CancelledBy | None
    cancel_reason: str | None
    closure_id: uuid.UUID | None
    replaced_by_id: uuid.UUID | None


_ROW_COLUMNS = columns(AppointmentRow, Appointment, {})


def _of_account_statement(shape: tuple[bool, bool], dialect: str) -> Select[*tuple[Any, ...]]:
    by_status, after = shape
    statement = select(*_ROW_COLUMNS).where(
        Appointment.account_id == bindparam("account_id", type_=Uuid())
    )
    if by_status:
        statement = statement.where(
            Appointment.status == bindparam("status", type_=Appointment.status.type)
        )
    return keyset.page(
        statement,
        key=Appointment.start_at,
        row_id=Appointment.id,
        after=(
            (bindparam("last_start", type_=UTCDateTime()), bindparam("last_id", type_=Uuid()))
            if after
            else None
        ),
        limit=bindparam("limit", type_=Integer()),
        descending=True,
    )


_OF_ACCOUNT = Prepared(_of_account_statement)


async def appointments_of_account(
    session: AsyncSession,
    account_id: uuid.UUID,
    *,
    status: AppointmentStatus | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[AppointmentRow]:
    """Latest start first; keyset on (start_at, id) descending."""
    values: dict[str, Any] = {"account_id": account_id, "status": status, "limit": limit}
    if after is not None:
        values["last_start"], values["last_id"] = after
    found = await _OF_ACCOUNT.rows(session, (status is not None, after is not None), values)
    return [AppointmentRow(*row) for row in found]


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
        dialect_insert(session)(QueueCounter)
        .values(facility_id=facility_id, local_day=day, last=1)
        .on_conflict_do_update(
            index_elements=[QueueCounter.facility_id, QueueCounter.local_day],
            set_={"last": QueueCounter.last + 1},
        )
        .returning(QueueCounter.last)
    )
    return int((await session.execute(statement)).scalar_one())

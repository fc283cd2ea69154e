"""Reading a citizen's own appointments, and what the app shows about a cancellation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.health.models import AppointmentStatus, Closure
from backend.health.repository import appointments as appointment_rows
from backend.health.repository import schedules as schedule_rows
from backend.health.repository.appointments import AppointmentRow


async def own_appointments(
    session: AsyncSession,
    account_id: uuid.UUID,
    *,
    status: AppointmentStatus | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[AppointmentRow]:
    """The account's appointments, its dependants' included, latest start first."""
    return await appointment_rows.appointments_of_account(
        session, account_id, status=status, after=after, limit=limit
    )


async def closures_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Closure]:
    return await schedule_rows.closures_by_ids(session, ids)


async def cancelled_by_closures(
    session: AsyncSession, closure_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    return await schedule_rows.cancelled_by_closures(session, closure_ids)


async def replaced_appointment_ids(
    session: AsyncSession, new_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    return await appointment_rows.replaced_appointment_ids(session, new_ids)

"""Reading a citizen's own appointments, and what the app shows about a cancellation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.health import repository
from backend.health.models import Appointment, AppointmentStatus, Closure


async def own_appointments(
    session: AsyncSession,
    account_id: uuid.UUID,
    *,
    status: AppointmentStatus | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Appointment]:
    """The account's appointments, its dependants' included, latest start first."""
    return await repository.appointments_of_account(
        session, account_id, status=status, after=after, limit=limit
    )


async def closures_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Closure]:
    return await repository.closures_by_ids(session, ids)

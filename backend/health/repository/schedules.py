"""Weekly schedules and the closures that cancel their slots."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.health.models import Appointment, Closure, Schedule


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


async def schedules_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Schedule]:
    return (await session.scalars(select(Schedule).where(Schedule.id.in_(ids)))).all()


async def cancelled_by_closures(
    session: AsyncSession, closure_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """How many appointments each closure cancelled."""
    statement = (
        select(Appointment.closure_id, func.count())
        .where(Appointment.closure_id.in_(closure_ids))
        .group_by(Appointment.closure_id)
    )
    return {key: count for key, count in (await session.execute(statement)).all() if key}

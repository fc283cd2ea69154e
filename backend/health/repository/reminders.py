"""Appointment reminders, claimed by exactly one worker before they are pushed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.health.models import Appointment, Reminder


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

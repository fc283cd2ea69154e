"""Reminders 24 h and 2 h before an appointment.

Each reminder is a row, planned at booking and handled exactly once: a periodic task claims the
due ones (a conditional UPDATE, so concurrent runs never push one twice) and pushes only those
whose appointment is still booked and ahead. A cancelled or moved appointment's reminders are
handled silently; when a worker was down long enough for both to be due, only the later one is
pushed.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from backend.db.unit_of_work import UnitOfWork
from backend.health import notices
from backend.health.models import Appointment, AppointmentStatus, Reminder, ReminderKind
from backend.health.repository import reminders as reminder_rows
from notifications.service import notify

LEAD_TIMES = {ReminderKind.DAY_BEFORE: timedelta(hours=24), ReminderKind.SOON: timedelta(hours=2)}
BATCH = 500


def plan(appointment: Appointment, now: datetime) -> list[Reminder]:
    """The reminders still ahead when the appointment is booked (a booking 20 h ahead gets the
    2 h reminder only: its confirmation already said when)."""
    return [
        Reminder(
            id=uuid.uuid4(),
            appointment_id=appointment.id,
            kind=kind,
            due_at=appointment.start_at - lead,
            pushed=False,
        )
        for kind, lead in LEAD_TIMES.items()
        if appointment.start_at - lead > now
    ]


async def send_due(uow: UnitOfWork, *, now: datetime, limit: int = BATCH) -> tuple[int, int]:
    """Handle up to `limit` due reminders; returns (handled, pushed)."""
    session = uow.session
    due = await reminder_rows.due_reminders(session, now, limit)
    claimed = await reminder_rows.claim_reminders(
        session, [reminder.id for reminder, _ in due], now
    )
    latest: dict[uuid.UUID, tuple[Reminder, Appointment]] = {}
    for reminder, appointment in due:
        if reminder.id not in claimed or not _still_wanted(appointment, now):
            continue
        kept = latest.get(appointment.id)
        if kept is None or reminder.due_at > kept[0].due_at:
            latest[appointment.id] = (reminder, appointment)
    for reminder, appointment in latest.values():
        await notify(
            uow,
            user_ids=[appointment.account_id],
            message=notices.reminder(appointment, reminder.kind),
            now=now,
        )
    await reminder_rows.mark_pushed(session, [reminder.id for reminder, _ in latest.values()])
    return len(claimed), len(latest)


def _still_wanted(appointment: Appointment, now: datetime) -> bool:
    return appointment.status is AppointmentStatus.BOOKED and appointment.start_at > now

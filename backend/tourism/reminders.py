"""A push the day before a saved event starts, in each device's language.

A periodic task finds saved, published, still-scheduled events starting within a day, and
claims each favourite with a conditional UPDATE that records the start it was reminded for: a
reminder is never pushed twice, and an event moved to new dates is reminded again for them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timedelta

from backend.db.unit_of_work import UnitOfWork
from backend.tourism import notices
from backend.tourism.repository import favourites as repository
from backend.tourism.repository.rows import EventRow
from notifications.service import notify

LEAD_TIME = timedelta(days=1)
BATCH = 500


async def send_due(uow: UnitOfWork, *, now: datetime, limit: int = BATCH) -> tuple[int, int]:
    """Handle up to `limit` due reminders; returns (found, pushed)."""
    due = await repository.due_reminders(uow.session, now=now, until=now + LEAD_TIME, limit=limit)
    claimed = await repository.claim_reminders(
        uow.session, [(favourite_id, event.starts_at) for favourite_id, _, event in due]
    )
    by_event: dict[uuid.UUID, tuple[EventRow, list[uuid.UUID]]] = {}
    people: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for favourite_id, user_id, event in due:
        if favourite_id in claimed:
            by_event[event.id] = (event, people[event.id])
            people[event.id].append(user_id)
    for event, user_ids in by_event.values():
        await notify(uow, user_ids=user_ids, message=notices.event_reminder(event), now=now)
    return len(due), len(claimed)

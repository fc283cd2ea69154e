"""Public alerts to a ward: one FCM request per language topic instead of one per device.

`notify_area` writes the alert in the caller's transaction and dispatches it after commit; a
periodic sweep re-sends any that were committed but not sent. Outcomes are kept per topic, so a
retry sends only the topics not yet done. As with personal pushes, a 500 or a read timeout is sent
once more, by the retry, with the same collapse key; a 429/503 waits for the task's retry.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.i18n import Locale
from notifications import topics_repository as repository
from notifications.dispatch import DEFAULT_BACKOFF, MAX_INLINE_WAIT, content_for
from notifications.fcm_body import Address, OutgoingPush
from notifications.gateways import PushGateway
from notifications.messages import InvalidPayload, PushMessage
from notifications.outcomes import Outcome
from notifications.rate_limiter import RateLimiter
from notifications.topics import WARD_SLUG, topic_for

BROADCAST_TASK = "notifications.broadcast"
LEASE = timedelta(minutes=2)
SENT, UNKNOWN, FAILED = "sent", "unknown", "failed"


async def notify_area(
    uow: UnitOfWork, *, ward: str, message: PushMessage, now: datetime
) -> uuid.UUID:
    """Alert everyone whose phone has `ward` (a ward slug) as its home ward, in their language."""
    (row_id,) = await notify_areas(uow, wards=[ward], message=message, now=now)
    return row_id


async def notify_areas(
    uow: UnitOfWork, *, wards: Sequence[str], message: PushMessage, now: datetime
) -> list[uuid.UUID]:
    """`notify_area` for many wards in one write (an alert over a large area): one broadcast
    per ward, each dispatched by its own task after commit."""
    message.validate()
    for ward in wards:
        if not WARD_SLUG.match(ward):
            raise InvalidPayload(f"bad ward slug {ward!r}")
    ids = [uuid.uuid4() for _ in wards]
    shared = {
        "category": message.category,
        "type": message.type,
        "urgent": message.urgent,
        "title": message.title,
        "body": message.body,
        "deep_link": message.deep_link,
        "data": dict(message.data),
        "collapse_key": message.collapse_key,
        "ttl_seconds": message.ttl_seconds,
        "topic_outcomes": {},
        "created_at": now,
    }
    await repository.insert_broadcasts(
        uow.session,
        [{"id": row_id, "ward": ward, **shared} for row_id, ward in zip(ids, wards, strict=True)],
    )
    for row_id in ids:
        uow.enqueue(BROADCAST_TASK, str(row_id))
    return ids


async def file_in_inboxes(
    uow: UnitOfWork, *, user_ids: Sequence[uuid.UUID], message: PushMessage, now: datetime
) -> int:
    """Put a public alert in the inboxes of people living in its wards, without a second push:
    their phones got it through the ward topic. The entries are stored as already dispatched,
    so neither a dispatch task nor the sweep sends them."""
    message.validate()
    rows = [
        {
            "id": uuid.uuid4(),
            "user_id": user_id,
            "category": message.category,
            "type": message.type,
            "urgent": message.urgent,
            "title": message.title,
            "body": message.body,
            "deep_link": message.deep_link,
            "data": dict(message.data),
            "collapse_key": message.collapse_key,
            "ttl_seconds": message.ttl_seconds,
            "dispatched_at": now,
            "dispatch_attempts": 0,
            "created_at": now,
        }
        for user_id in dict.fromkeys(user_ids)
    ]
    await repository.insert_inbox_entries(uow.session, rows)
    return len(rows)


async def send_broadcast(
    sessions: async_sessionmaker[AsyncSession],
    gateway: PushGateway,
    limiter: RateLimiter,
    broadcast_id: uuid.UUID,
    owner: str,
) -> float | None:
    """Send the topics not yet done; return seconds until a retry is due, None when finished."""
    now = utcnow()
    async with UnitOfWork(sessions) as uow:
        alert = await repository.claim_broadcast(uow.session, broadcast_id, owner, now, now + LEASE)
    if alert is None:
        return None  # finished, or someone else holds it
    outcomes = dict(alert.topic_outcomes)
    pushes = [
        OutgoingPush(alert.id, None, topic, Address.TOPIC, content_for(alert, locale))
        for locale in Locale
        if outcomes.get(topic := topic_for(alert.ward, locale)) in (None, UNKNOWN)
    ]
    retry_in = 0.0  # an unknown outcome is sent again by the next try, at once
    wait = limiter.reserve(len(pushes)) if pushes else 0.0
    if wait > MAX_INLINE_WAIT:
        pushes, retry_in = [], wait
    elif wait > 0:
        await asyncio.sleep(wait)
    results = await gateway.send(pushes) if pushes else []
    for push, result in zip(pushes, results, strict=True):
        previous = outcomes.get(push.target)
        if result.outcome is Outcome.SENT:
            outcomes[push.target] = SENT
        elif result.outcome is Outcome.UNKNOWN:
            outcomes[push.target] = FAILED if previous == UNKNOWN else UNKNOWN
        elif result.outcome is Outcome.RETRY:
            limiter.defer(result.retry_after or DEFAULT_BACKOFF)
            retry_in = max(retry_in, result.retry_after or 0.0)
        else:
            outcomes[push.target] = FAILED
    final = all(outcomes.get(topic_for(alert.ward, lo)) in (SENT, FAILED) for lo in Locale)
    async with UnitOfWork(sessions) as uow:
        await repository.record_broadcast(
            uow.session, alert.id, owner, outcomes, utcnow() if final else None
        )
    return None if final else retry_in

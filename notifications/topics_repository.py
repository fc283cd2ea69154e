"""SQL of topic subscriptions and broadcasts (Core statements, tuples)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.dialect import upsert_rows
from backend.i18n import Translated
from notifications.models import (
    Broadcast,
    Category,
    Device,
    Notification,
    TopicState,
    TopicSubscription,
)

_SUBSCRIPTIONS = cast(Table, TopicSubscription.__table__)
_BROADCASTS = cast(Table, Broadcast.__table__)


class Pending(NamedTuple):
    topic: str
    state: TopicState
    device_id: uuid.UUID
    target: str


INSERT_BATCH = 5000


async def subscriptions_of(session: AsyncSession, device_id: uuid.UUID) -> dict[str, TopicState]:
    statement = select(TopicSubscription.topic, TopicSubscription.state).where(
        TopicSubscription.device_id == device_id
    )
    return {topic: state for topic, state in await session.execute(statement)}


async def set_states(
    session: AsyncSession,
    device_id: uuid.UUID,
    changes: Sequence[tuple[str, TopicState]],
    now: datetime,
) -> None:
    rows = [
        {
            "device_id": device_id,
            "topic": topic,
            "state": state.value,
            "attempts": 0,
            "error": None,
            "updated_at": now,
        }
        for topic, state in changes
    ]
    await upsert_rows(session, _SUBSCRIPTIONS, rows, key=("device_id", "topic"))


async def pending(session: AsyncSession, max_attempts: int, *, limit: int) -> list[Pending]:
    statement = (
        select(TopicSubscription.topic, TopicSubscription.state, Device.id, Device.target)
        .join(Device, Device.id == TopicSubscription.device_id)
        .where(
            TopicSubscription.state != TopicState.SUBSCRIBED,
            TopicSubscription.attempts < max_attempts,
        )
        .order_by(TopicSubscription.topic, TopicSubscription.state)
        .limit(limit)
    )
    return [Pending(*row) for row in await session.execute(statement)]


async def confirm(
    session: AsyncSession,
    topic: str,
    device_ids: Sequence[uuid.UUID],
    subscribed: bool,
    now: datetime,
) -> None:
    """FCM accepted: subscriptions become confirmed, unsubscriptions disappear."""
    if not device_ids:
        return
    c = _SUBSCRIPTIONS.c
    where = (c.topic == topic, c.device_id.in_(device_ids))
    if subscribed:
        await session.execute(
            update(_SUBSCRIPTIONS)
            .where(*where, c.state == TopicState.SUBSCRIBE.value)
            .values(state=TopicState.SUBSCRIBED.value, error=None, updated_at=now)
        )
    else:
        await session.execute(
            delete(_SUBSCRIPTIONS).where(*where, c.state == TopicState.UNSUBSCRIBE.value)
        )


async def refused(
    session: AsyncSession, topic: str, errors: Sequence[tuple[uuid.UUID, str]], now: datetime
) -> None:
    """FCM refused: stay pending, one attempt more."""
    if not errors:
        return
    c = _SUBSCRIPTIONS.c
    await session.execute(
        update(_SUBSCRIPTIONS)
        .where(c.topic == topic, c.device_id == bindparam("device"))
        .values(attempts=c.attempts + 1, error=bindparam("code"), updated_at=now),
        [{"device": device, "code": code} for device, code in errors],
    )


# --- broadcasts ----------------------------------------------------------------------------


class ClaimedBroadcast(NamedTuple):
    id: uuid.UUID
    ward: str
    category: Category
    type: str
    urgent: bool
    title: Translated
    body: Translated
    deep_link: str
    data: dict[str, Any]
    collapse_key: str | None
    ttl_seconds: int
    topic_outcomes: dict[str, str]


async def add_broadcast(session: AsyncSession, row: Broadcast) -> None:
    session.add(row)
    await session.flush()


async def insert_inbox_entries(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Inbox entries in batches of one statement each (Core: no entity per row)."""
    for start in range(0, len(rows), INSERT_BATCH):
        await session.execute(insert(Notification), list(rows[start : start + INSERT_BATCH]))


async def insert_broadcasts(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Many broadcasts in one statement (Core: no entity per row)."""
    if rows:
        await session.execute(insert(Broadcast), list(rows))


async def claim_broadcast(
    session: AsyncSession, broadcast_id: uuid.UUID, owner: str, now: datetime, until: datetime
) -> ClaimedBroadcast | None:
    b = _BROADCASTS.c
    statement = (
        update(_BROADCASTS)
        .where(
            b.id == broadcast_id,
            b.dispatched_at.is_(None),
            or_(b.lease_until.is_(None), b.lease_until < now, b.lease_owner == owner),
        )
        .values(lease_owner=owner, lease_until=until)
        .returning(*(b[name] for name in ClaimedBroadcast._fields))
    )
    row = (await session.execute(statement)).first()
    return ClaimedBroadcast(*row) if row is not None else None


async def record_broadcast(
    session: AsyncSession,
    broadcast_id: uuid.UUID,
    owner: str,
    outcomes: dict[str, str],
    dispatched_at: datetime | None,
) -> None:
    """Store the topics' outcomes and give the lease back (dispatched when all are final)."""
    b = _BROADCASTS.c
    await session.execute(
        update(_BROADCASTS)
        .where(b.id == broadcast_id, b.lease_owner == owner)
        .values(
            topic_outcomes=outcomes,
            dispatched_at=dispatched_at,
            lease_owner=None,
            lease_until=None,
        )
    )


async def undispatched_broadcasts(
    session: AsyncSession, *, created_before: datetime, now: datetime
) -> Sequence[uuid.UUID]:
    b = _BROADCASTS.c
    statement = select(b.id).where(
        b.dispatched_at.is_(None),
        b.created_at < created_before,
        or_(b.lease_until.is_(None), b.lease_until < now),
    )
    return (await session.scalars(statement)).all()

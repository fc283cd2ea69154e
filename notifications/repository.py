"""Every SQL statement of the push pipeline."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, time
from typing import Any, NamedTuple, cast

from sqlalchemy import Select, Table, Uuid, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset
from backend.db.dialect import upsert_rows
from backend.db.prepared import Prepared, one_of
from backend.i18n import Locale, Translated
from notifications.models import (
    Category,
    CategoryPreference,
    Delivery,
    DeliveryStatus,
    Device,
    Notification,
    NotificationSettings,
    TargetKind,
)


async def add_notifications(session: AsyncSession, rows: Sequence[Notification]) -> None:
    session.add_all(rows)
    await session.flush()


async def inbox_page(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    unread_only: bool,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Notification]:
    """Newest first; keyset on (created_at, id) descending."""
    statement = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        statement = statement.where(Notification.read_at.is_(None))
    statement = keyset.page(
        statement,
        key=Notification.created_at,
        row_id=Notification.id,
        after=after,
        limit=limit,
        descending=True,
    )
    return (await session.scalars(statement)).all()


def _unread_statement(_: None, dialect: str) -> Select[uuid.UUID, int]:
    return (
        select(Notification.user_id, func.count())
        .where(
            one_of(Notification.user_id, "user_ids", Uuid(), dialect),
            Notification.read_at.is_(None),
        )
        .group_by(Notification.user_id)
    )


_UNREAD = Prepared(_unread_statement)


async def unread_counts(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    rows = await _UNREAD.rows(session, None, {"user_ids": list(user_ids)})
    return {user_id: int(count) for user_id, count in rows}


async def mark_read(
    session: AsyncSession, user_id: uuid.UUID, ids: Sequence[uuid.UUID], now: datetime
) -> None:
    await session.execute(
        update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.id.in_(ids),
            Notification.read_at.is_(None),
        )
        .values(read_at=now)
    )


async def owned_notification_ids(
    session: AsyncSession, user_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    statement = select(Notification.id).where(
        Notification.user_id == user_id, Notification.id.in_(ids)
    )
    return set((await session.scalars(statement)).all())


async def device_by_target(
    session: AsyncSession, target: str, *, for_update: bool = False
) -> Device | None:
    statement = select(Device).where(Device.target == target)
    if for_update:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def add_device(session: AsyncSession, device: Device) -> None:
    session.add(device)
    await session.flush()


async def deactivate_devices(
    session: AsyncSession, device_ids: Sequence[uuid.UUID], reason: str
) -> None:
    if device_ids:
        await session.execute(
            update(Device)
            .where(Device.id.in_(device_ids))
            .values(active=False, deactivated_reason=reason)
        )


async def deactivate_stale_devices(session: AsyncSession, seen_before: datetime) -> int:
    result = await session.execute(
        update(Device)
        .where(Device.active.is_(True), Device.last_seen_at < seen_before)
        .values(active=False, deactivated_reason="stale")
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def quiet_hours_of(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[time | None, time | None]]:
    statement = select(
        NotificationSettings.user_id,
        NotificationSettings.quiet_start,
        NotificationSettings.quiet_end,
    ).where(NotificationSettings.user_id.in_(user_ids))
    return {user_id: (start, end) for user_id, start, end in await session.execute(statement)}


async def save_settings(session: AsyncSession, row: NotificationSettings) -> None:
    await session.merge(row)
    await session.flush()


async def disabled_categories(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> list[tuple[uuid.UUID, Category]]:
    statement = select(CategoryPreference.user_id, CategoryPreference.category).where(
        CategoryPreference.user_id.in_(user_ids), CategoryPreference.enabled.is_(False)
    )
    return [(user_id, category) for user_id, category in await session.execute(statement)]


async def save_category_preference(session: AsyncSession, row: CategoryPreference) -> None:
    await session.merge(row)
    await session.flush()


class Claimed(NamedTuple):
    id: uuid.UUID
    user_id: uuid.UUID
    category: Category
    type: str
    urgent: bool
    title: Translated
    body: Translated
    deep_link: str
    data: dict[str, Any]
    collapse_key: str | None
    ttl_seconds: int
    send_after: datetime | None


class Target(NamedTuple):
    id: uuid.UUID
    user_id: uuid.UUID
    target: str
    target_kind: TargetKind
    locale: Locale


class DeliveryState(NamedTuple):
    notification_id: uuid.UUID
    device_id: uuid.UUID
    status: DeliveryStatus
    attempts: int


_NOTIFICATIONS = cast(Table, Notification.__table__)
_DELIVERIES = cast(Table, Delivery.__table__)
_CLAIMED = [_NOTIFICATIONS.c[name] for name in Claimed._fields]


async def claim(
    session: AsyncSession,
    ids: Sequence[uuid.UUID],
    owner: str,
    now: datetime,
    until: datetime,
) -> list[Claimed]:
    """Take the due, undispatched notifications among `ids` that nobody else holds.

    The rows must be found by their primary key. Statistics that know only the quiet past take
    "undispatched" for a handful of rows, so the planner would rather fetch them through the
    outbox index, and a city-wide alert's burst of 100,000 fresh rows was read whole for every
    claim of 500. On PostgreSQL "undispatched" is therefore written as a test the outbox index
    cannot answer, which leaves the primary key as the only way in.
    """
    n = _NOTIFICATIONS.c
    dialect = session.get_bind().dialect.name
    undispatched = n.dispatched_at.is_(None)
    statement = (
        update(_NOTIFICATIONS)
        .where(
            one_of(n.id, "ids", Uuid(), dialect),
            undispatched.is_(True) if dialect == "postgresql" else undispatched,
            or_(n.send_after.is_(None), n.send_after <= now),
            or_(n.lease_until.is_(None), n.lease_until < now, n.lease_owner == owner),
        )
        .values(lease_owner=owner, lease_until=until)
        .returning(*_CLAIMED)
    )
    return [Claimed(*row) for row in await session.execute(statement, {"ids": list(ids)})]


def _targets_statement(_: None, dialect: str) -> Select[*tuple[Any, ...]]:
    return (
        select(Device.id, Device.user_id, Device.target, Device.target_kind, Device.locale)
        .where(one_of(Device.user_id, "user_ids", Uuid(), dialect), Device.active.is_(True))
        .order_by(Device.created_at)
    )


# One array parameter whatever the chunk's size (a chunk is up to 500 people).
_TARGETS = Prepared(_targets_statement)


async def active_targets(session: AsyncSession, user_ids: Sequence[uuid.UUID]) -> list[Target]:
    rows = await _TARGETS.rows(session, None, {"user_ids": list(user_ids)})
    return [Target(*row) for row in rows]


async def delivery_states(
    session: AsyncSession, notification_ids: Sequence[uuid.UUID]
) -> list[DeliveryState]:
    statement = select(
        Delivery.notification_id, Delivery.device_id, Delivery.status, Delivery.attempts
    ).where(Delivery.notification_id.in_(notification_ids))
    return [DeliveryState(*row) for row in await session.execute(statement)]


async def defer(session: AsyncSession, ids: Sequence[uuid.UUID], until: datetime) -> None:
    """Hold back until `until` (quiet hours); the claim ends here, nothing more is done now."""
    if ids:
        await session.execute(
            update(_NOTIFICATIONS)
            .where(_NOTIFICATIONS.c.id.in_(ids))
            .values(send_after=until, lease_owner=None, lease_until=None)
        )


async def record_deliveries(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """One statement per chunk: new rows inserted, retried ones updated in place."""
    await upsert_rows(
        session, _DELIVERIES, rows, key=("notification_id", "device_id"), insert_only=("id",)
    )


async def finish(
    session: AsyncSession, ids: Sequence[uuid.UUID], owner: str, now: datetime
) -> None:
    """Done: sent, or nothing to send. `dispatch_attempts` counts the runs that ended."""
    if ids:
        n = _NOTIFICATIONS.c
        await session.execute(
            update(_NOTIFICATIONS)
            .where(n.id.in_(ids), n.lease_owner == owner)
            .values(
                dispatched_at=now,
                lease_owner=None,
                lease_until=None,
                dispatch_attempts=n.dispatch_attempts + 1,
            )
        )


async def release(session: AsyncSession, ids: Sequence[uuid.UUID], owner: str) -> None:
    """To be tried again by the task's retry (or the sweep); this run counts as an attempt."""
    if ids:
        n = _NOTIFICATIONS.c
        await session.execute(
            update(_NOTIFICATIONS)
            .where(n.id.in_(ids), n.lease_owner == owner)
            .values(lease_owner=None, lease_until=None, dispatch_attempts=n.dispatch_attempts + 1)
        )


async def due_undispatched_ids(
    session: AsyncSession, *, created_before: datetime, now: datetime, limit: int
) -> Sequence[uuid.UUID]:
    """The outbox: committed notifications nobody sent (Redis was down, a worker died)."""
    statement = (
        select(Notification.id)
        .where(
            Notification.dispatched_at.is_(None),
            Notification.created_at < created_before,
            or_(Notification.send_after.is_(None), Notification.send_after <= now),
            or_(Notification.lease_until.is_(None), Notification.lease_until < now),
        )
        .order_by(Notification.created_at)
        .limit(limit)
    )
    return (await session.scalars(statement)).all()


async def notifications_of(
    session: AsyncSession, user_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> Sequence[Notification]:
    statement = select(Notification).where(
        Notification.user_id == user_id, Notification.id.in_(ids)
    )
    return (await session.scalars(statement)).all()

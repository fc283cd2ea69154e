"""Every SQL statement of the push pipeline."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset
from notifications.models import (
    CategoryPreference,
    Delivery,
    Device,
    Notification,
    NotificationSettings,
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


async def unread_counts(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    statement = (
        select(Notification.user_id, func.count())
        .where(Notification.user_id.in_(user_ids), Notification.read_at.is_(None))
        .group_by(Notification.user_id)
    )
    return {user_id: int(count) for user_id, count in (await session.execute(statement)).all()}


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


async def active_devices(session: AsyncSession, user_ids: Sequence[uuid.UUID]) -> Sequence[Device]:
    statement = select(Device).where(Device.user_id.in_(user_ids), Device.active.is_(True))
    return (await session.scalars(statement.order_by(Device.created_at))).all()


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


async def settings_of(session: AsyncSession, user_id: uuid.UUID) -> NotificationSettings | None:
    return await session.get(NotificationSettings, user_id)


async def settings_of_many(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, NotificationSettings]:
    statement = select(NotificationSettings).where(NotificationSettings.user_id.in_(user_ids))
    return {row.user_id: row for row in (await session.scalars(statement)).all()}


async def save_settings(session: AsyncSession, row: NotificationSettings) -> None:
    await session.merge(row)
    await session.flush()


async def category_preferences(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> Sequence[CategoryPreference]:
    statement = select(CategoryPreference).where(CategoryPreference.user_id.in_(user_ids))
    return (await session.scalars(statement)).all()


async def save_category_preference(session: AsyncSession, row: CategoryPreference) -> None:
    await session.merge(row)
    await session.flush()


async def claim(
    session: AsyncSession,
    ids: Sequence[uuid.UUID],
    owner: str,
    now: datetime,
    until: datetime,
) -> Sequence[Notification]:
    """Take the due, undispatched notifications among `ids` that nobody else holds."""
    statement = (
        update(Notification)
        .where(
            Notification.id.in_(ids),
            Notification.dispatched_at.is_(None),
            or_(Notification.send_after.is_(None), Notification.send_after <= now),
            or_(
                Notification.lease_until.is_(None),
                Notification.lease_until < now,
                Notification.lease_owner == owner,
            ),
        )
        .values(lease_owner=owner, lease_until=until)
        .returning(Notification)
        .execution_options(synchronize_session=False)
    )
    return (await session.scalars(statement)).all()


async def finish(
    session: AsyncSession, ids: Sequence[uuid.UUID], owner: str, now: datetime
) -> None:
    if ids:
        await session.execute(
            update(Notification)
            .where(Notification.id.in_(ids), Notification.lease_owner == owner)
            .values(dispatched_at=now, lease_owner=None, lease_until=None)
        )


async def release(session: AsyncSession, ids: Sequence[uuid.UUID], owner: str) -> None:
    if ids:
        await session.execute(
            update(Notification)
            .where(Notification.id.in_(ids), Notification.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
        )


async def deliveries_of(
    session: AsyncSession, notification_ids: Sequence[uuid.UUID]
) -> Sequence[Delivery]:
    statement = select(Delivery).where(Delivery.notification_id.in_(notification_ids))
    return (await session.scalars(statement)).all()


async def add_deliveries(session: AsyncSession, rows: Sequence[Delivery]) -> None:
    session.add_all(rows)
    await session.flush()


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

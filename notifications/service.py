"""Entry points of the push pipeline for domains and for the app: notify, inbox, devices,
preferences."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, NotFound
from backend.i18n import Locale
from backend.live import LiveEvent, raise_after_commit
from backend.places.service import ward_exists
from notifications import repository, topics
from notifications.messages import PushMessage
from notifications.models import (
    Category,
    CategoryPreference,
    Device,
    Notification,
    NotificationSettings,
    Platform,
    TargetKind,
)

DISPATCH_TASK = "notifications.dispatch"
# The live event of a committed inbox entry (`notificationReceived`).
NOTIFICATION_RECEIVED = "notification.received"
DISPATCH_BATCH = 500  # notifications per dispatch task; FCM takes at most 500 per call
MAX_TARGET_LENGTH = 512
MAX_APP_VERSION_LENGTH = 32
MAX_MARK_READ = 100
STALE_AFTER = timedelta(days=60)


async def notify(
    uow: UnitOfWork, *, user_ids: Sequence[uuid.UUID], message: PushMessage, now: datetime
) -> list[uuid.UUID]:
    """Store one notification per person in the caller's transaction; dispatch after commit.

    The rows commit with the domain change or not at all; the periodic sweep sends any that
    were committed but never dispatched.
    """
    message.validate()
    rows = [
        Notification(
            id=uuid.uuid4(),
            user_id=user_id,
            category=message.category,
            type=message.type,
            urgent=message.urgent,
            title=message.title,
            body=message.body,
            deep_link=message.deep_link,
            data=dict(message.data),
            collapse_key=message.collapse_key,
            ttl_seconds=message.ttl_seconds,
            created_at=now,
            dispatch_attempts=0,
        )
        for user_id in dict.fromkeys(user_ids)
    ]
    await repository.add_notifications(uow.session, rows)
    raise_after_commit(
        uow, (LiveEvent.personal(row.user_id, NOTIFICATION_RECEIVED, row.id) for row in rows)
    )
    ids = [row.id for row in rows]
    for start in range(0, len(ids), DISPATCH_BATCH):
        uow.enqueue(DISPATCH_TASK, [str(i) for i in ids[start : start + DISPATCH_BATCH]])
    return ids


# --- inbox ---------------------------------------------------------------------------------


async def inbox(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    unread_only: bool,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Notification]:
    return await repository.inbox_page(
        session, user_id, unread_only=unread_only, after=after, limit=limit
    )


async def unread_counts(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    return await repository.unread_counts(session, user_ids)


async def mark_read(
    uow: UnitOfWork, user_id: uuid.UUID, ids: Sequence[uuid.UUID], now: datetime
) -> None:
    """Mark the viewer's notifications read; any id that is not theirs refuses the whole call."""
    if not 1 <= len(ids) <= MAX_MARK_READ:
        raise BadUserInput("input.list_size", field="ids", max=MAX_MARK_READ)
    wanted = set(ids)
    if await repository.owned_notification_ids(uow.session, user_id, list(wanted)) != wanted:
        raise NotFound("not_found", field="ids", what="notification")
    await repository.mark_read(uow.session, user_id, list(wanted), now)


# --- devices -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeviceRegistration:
    target: str
    target_kind: TargetKind
    platform: Platform
    locale: Locale
    app_version: str
    home_ward: str | None = None  # a ward slug: its public alerts come through an FCM topic


async def register_device(
    uow: UnitOfWork, user_id: uuid.UUID, registration: DeviceRegistration, now: datetime
) -> Device:
    """Upsert by token: a token seen again is refreshed, and moves to whoever signed in on it."""
    target = registration.target.strip()
    if not target:
        raise BadUserInput("input.required", field="token")
    if len(target) > MAX_TARGET_LENGTH:
        raise BadUserInput("input.too_long", field="token", max=MAX_TARGET_LENGTH)
    if not registration.app_version or len(registration.app_version) > MAX_APP_VERSION_LENGTH:
        raise BadUserInput("input.too_long", field="appVersion", max=MAX_APP_VERSION_LENGTH)
    ward = registration.home_ward
    if ward is not None and not await ward_exists(uow.session, ward):
        raise NotFound("not_found", field="homeWard", what="ward")
    device = await repository.device_by_target(uow.session, target, for_update=True)
    if device is None:
        device = Device(id=uuid.uuid4(), target=target, created_at=now)
        fresh = True
    else:
        fresh = False
    device.user_id = user_id
    device.target_kind = registration.target_kind
    device.platform = registration.platform
    device.locale = registration.locale
    device.app_version = registration.app_version
    device.active = True
    device.deactivated_reason = None
    device.last_seen_at = now
    device.home_ward = ward
    if fresh:
        await repository.add_device(uow.session, device)
    topic = topics.topic_for(ward, registration.locale) if ward is not None else None
    if await topics.want(uow.session, device.id, topic, now):
        uow.enqueue(topics.SYNC_TOPICS_TASK)
    return device


async def unregister_device(uow: UnitOfWork, user_id: uuid.UUID, target: str) -> bool:
    """Stop pushing to this token (sign-out on the phone); someone else's token is left alone."""
    if len(target) > MAX_TARGET_LENGTH:
        raise BadUserInput("input.too_long", field="token", max=MAX_TARGET_LENGTH)
    device = await repository.device_by_target(uow.session, target, for_update=True)
    if device is None or device.user_id != user_id:
        return False
    await repository.deactivate_devices(uow.session, [device.id], "unregistered")
    if await topics.want(uow.session, device.id, None, utcnow()):
        uow.enqueue(topics.SYNC_TOPICS_TASK)
    return True


async def prune_stale_devices(session: AsyncSession, now: datetime) -> int:
    """Tokens the app has not refreshed for ~2 months are most likely dead (FCM's advice)."""
    return await repository.deactivate_stale_devices(session, now - STALE_AFTER)


# --- preferences ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Preferences:
    disabled: frozenset[Category]
    quiet_start: time | None
    quiet_end: time | None

    def allows(self, category: Category) -> bool:
        return category not in self.disabled


async def preferences(session: AsyncSession, user_id: uuid.UUID) -> Preferences:
    return (await preferences_of_many(session, [user_id]))[user_id]


async def preferences_of_many(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Preferences]:
    disabled: dict[uuid.UUID, set[Category]] = {}
    for user_id, category in await repository.disabled_categories(session, user_ids):
        disabled.setdefault(user_id, set()).add(category)
    quiet = await repository.quiet_hours_of(session, user_ids)
    return {
        user_id: Preferences(
            disabled=frozenset(disabled.get(user_id, ())),
            quiet_start=quiet.get(user_id, (None, None))[0],
            quiet_end=quiet.get(user_id, (None, None))[1],
        )
        for user_id in user_ids
    }


async def update_preferences(
    uow: UnitOfWork,
    user_id: uuid.UUID,
    *,
    categories: dict[Category, bool],
    quiet_hours: tuple[time, time] | None,
    clear_quiet_hours: bool,
) -> Preferences:
    for category, enabled in categories.items():
        await repository.save_category_preference(
            uow.session, CategoryPreference(user_id=user_id, category=category, enabled=enabled)
        )
    if quiet_hours is not None or clear_quiet_hours:
        if quiet_hours is not None and quiet_hours[0] == quiet_hours[1]:
            raise BadUserInput("input.quiet_hours", field="quietHours")
        start, end = quiet_hours if quiet_hours is not None else (None, None)
        await repository.save_settings(
            uow.session, NotificationSettings(user_id=user_id, quiet_start=start, quiet_end=end)
        )
    return await preferences(uow.session, user_id)


async def own_notifications(
    session: AsyncSession, user_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> Sequence[Notification]:
    return await repository.notifications_of(session, user_id, ids)

"""Send committed notifications to their people's devices, exactly as far as is possible.

A dispatch claims its notifications (a lease), sends in chunks and commits the delivery records of
each chunk before the next: a retried or redelivered task skips devices already recorded as sent,
so the most that can be sent twice is one chunk that was in flight when a worker died. Android
and iOS collapse even those, as every push carries a collapse key.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from notifications import repository
from notifications.gateways import Outcome, OutgoingPush, PushGateway, PushResult
from notifications.messages import data_payload
from notifications.models import Delivery, DeliveryStatus, Device, Notification
from notifications.rate_limiter import NoLimit, RateLimiter
from notifications.service import Preferences, preferences_of_many

log = logging.getLogger(__name__)

LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 5
CHUNK = 500


@dataclass
class DispatchReport:
    sent: int = 0
    dead_targets: int = 0
    failed: int = 0
    deferred: int = 0  # held back by quiet hours
    retry_in: float | None = None  # seconds until the transient failures should be retried
    finished: list[uuid.UUID] = field(default_factory=list)


@dataclass(frozen=True)
class Dispatcher:
    sessions: async_sessionmaker[AsyncSession]
    gateway: PushGateway
    limiter: RateLimiter = field(default_factory=NoLimit)
    chunk: int = CHUNK
    max_attempts: int = MAX_ATTEMPTS

    async def dispatch(
        self, ids: Sequence[uuid.UUID], *, owner: str, now: datetime | None = None
    ) -> DispatchReport:
        now = now or utcnow()
        report = DispatchReport()
        async with UnitOfWork(self.sessions) as uow:
            claimed = await repository.claim(uow.session, ids, owner, now, now + LEASE)
            pushes = await self._plan(uow.session, claimed, now, report)
        retrying: set[uuid.UUID] = set()
        for start in range(0, len(pushes), self.chunk):
            chunk = pushes[start : start + self.chunk]
            self.limiter.acquire(len(chunk))
            results = await asyncio.to_thread(self.gateway.send, chunk)
            retrying |= await self._record(chunk, results, report)
        async with UnitOfWork(self.sessions) as uow:
            done = [
                n.id
                for n in claimed
                if n.id not in retrying and (n.send_after is None or n.send_after <= now)
            ]
            await repository.finish(uow.session, done, owner, utcnow())
            await repository.release(
                uow.session, [n.id for n in claimed if n.id not in done], owner
            )
        report.finished = done
        return report

    async def _plan(
        self,
        session: AsyncSession,
        claimed: Sequence[Notification],
        now: datetime,
        report: DispatchReport,
    ) -> list[OutgoingPush]:
        """Decide, per notification and device, what to send now."""
        if not claimed:
            return []
        user_ids = list({n.user_id for n in claimed})
        preferences = await preferences_of_many(session, user_ids)
        devices: dict[uuid.UUID, list[Device]] = defaultdict(list)
        for device in await repository.active_devices(session, user_ids):
            devices[device.user_id].append(device)
        done = {
            (d.notification_id, d.device_id)
            for d in await repository.deliveries_of(session, [n.id for n in claimed])
            if d.status is not DeliveryStatus.RETRYING
        }
        pushes: list[OutgoingPush] = []
        for notification in claimed:
            wanted = preferences[notification.user_id]
            if not wanted.allows(notification.category):
                continue  # it stays in the inbox; no push
            quiet_until = _quiet_until(wanted, now)
            if quiet_until is not None and not notification.urgent:
                notification.send_after = quiet_until
                report.deferred += 1
                continue
            notification.dispatch_attempts += 1
            pushes += [
                _push(notification, device)
                for device in devices[notification.user_id]
                if (notification.id, device.id) not in done
            ]
        return pushes

    async def _record(
        self, chunk: Sequence[OutgoingPush], results: Sequence[PushResult], report: DispatchReport
    ) -> set[uuid.UUID]:
        """Commit what happened to one chunk; return notifications that need another try."""
        retrying: set[uuid.UUID] = set()
        now = utcnow()
        async with UnitOfWork(self.sessions) as uow:
            existing = {
                (d.notification_id, d.device_id): d
                for d in await repository.deliveries_of(
                    uow.session, list({uuid.UUID(p.notification_id) for p in chunk})
                )
            }
            created: list[Delivery] = []
            dead: list[uuid.UUID] = []
            for push, result in zip(chunk, results, strict=True):
                key = (uuid.UUID(push.notification_id), uuid.UUID(push.device_id))
                delivery = existing.get(key)
                if delivery is None:
                    delivery = Delivery(
                        id=uuid.uuid4(),
                        notification_id=key[0],
                        device_id=key[1],
                        attempts=0,
                        status=DeliveryStatus.RETRYING,
                        updated_at=now,
                    )
                    created.append(delivery)
                delivery.attempts += 1
                delivery.updated_at = now
                delivery.error = result.error
                delivery.message_id = result.message_id
                delivery.status = _status(result.outcome, delivery.attempts, self.max_attempts)
                if result.outcome is Outcome.SENT:
                    report.sent += 1
                elif result.outcome is Outcome.DEAD_TARGET:
                    dead.append(key[1])
                    report.dead_targets += 1
                elif delivery.status is DeliveryStatus.RETRYING:
                    retrying.add(key[0])
                    report.retry_in = max(report.retry_in or 0.0, result.retry_after or 0.0)
                else:
                    report.failed += 1
            await repository.add_deliveries(uow.session, created)
            await repository.deactivate_devices(uow.session, dead, "fcm_rejected_token")
        return retrying


def retry_delay(attempt: int, retry_after: float | None) -> float:
    """Exponential backoff with full jitter, never sooner than FCM's Retry-After."""
    backoff = random.uniform(0, min(300.0, 2.0**attempt))  # noqa: S311 - jitter, not secrecy
    return max(backoff, retry_after or 0.0)


def _status(outcome: Outcome, attempts: int, max_attempts: int) -> DeliveryStatus:
    if outcome is Outcome.SENT:
        return DeliveryStatus.SENT
    if outcome is Outcome.RETRY and attempts < max_attempts:
        return DeliveryStatus.RETRYING
    return DeliveryStatus.FAILED


def _push(notification: Notification, device: Device) -> OutgoingPush:
    return OutgoingPush(
        notification_id=str(notification.id),
        device_id=str(device.id),
        target=device.target,
        target_kind=device.target_kind,
        title=notification.title.get(device.locale),
        body=notification.body.get(device.locale),
        data=data_payload(
            str(notification.id), notification.type, notification.deep_link, notification.data
        ),
        urgent=notification.urgent,
        collapse_key=notification.collapse_key or str(notification.id),
        ttl_seconds=notification.ttl_seconds,
    )


def _quiet_until(preferences: Preferences, now: datetime) -> datetime | None:
    """The end of the quiet period `now` falls in (local time), or None when not quiet."""
    start, end = preferences.quiet_start, preferences.quiet_end
    if start is None or end is None:
        return None
    local = now.astimezone(LOCAL_TIME)
    clock = local.time()
    quiet = start <= clock < end if start < end else clock >= start or clock < end
    if not quiet:
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return ends.astimezone(now.tzinfo)

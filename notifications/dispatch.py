"""Send committed notifications to their people's devices, exactly as far as is possible.

A dispatch claims its notifications (a lease), sends in chunks and commits the delivery records of
each chunk before the next: a retried or redelivered task skips devices already recorded as sent,
so the most that can be sent twice is one chunk that was in flight when a worker died. Android
and iOS collapse even those, as every push carries a collapse key.

Bookkeeping is SQLAlchemy Core on tuples (no ORM object per message): one claim, a few planning
reads and, per chunk, one statement for all its delivery records.

What FCM's answers do:
* 429/503 (and an unreachable FCM): nothing was delivered. The shared rate timeline moves forward
  so every worker backs off, and the task retries those pushes after `Retry-After`.
* 500 or a read timeout: FCM may have delivered it. We never re-send at once; the push is sent
  once more by the task's retry, with the same collapse key (the phone shows one notification
  at most twice, and replaces the first where the platform collapses), and after a second unknown
  answer it is recorded failed (`error` keeps the code). A public alert that may be lost costs
  more than one that may show twice.
* UNREGISTERED / token INVALID_ARGUMENT: the device is deactivated.
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
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.i18n import Locale, Translated
from notifications import repository
from notifications.fcm_body import ADDRESS_OF, OutgoingPush, PushContent
from notifications.gateways import PushGateway
from notifications.messages import data_payload
from notifications.models import DeliveryStatus
from notifications.outcomes import Outcome, PushResult
from notifications.rate_limiter import NoLimit, RateLimiter
from notifications.repository import Claimed, Target
from notifications.service import Preferences, preferences_of_many

log = logging.getLogger(__name__)

LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 5
CHUNK = 500
MAX_INLINE_WAIT = 5.0  # seconds a dispatch waits for its turn; longer becomes a task retry
DEFAULT_BACKOFF = 1.0  # seconds every worker pauses after a 429/503 without Retry-After
UNKNOWN_SENDS = 2  # a push whose outcome was unknown is sent at most this often

Key = tuple[uuid.UUID, uuid.UUID | None]  # (notification, device)


@dataclass
class DispatchReport:
    sent: int = 0
    dead_targets: int = 0
    failed: int = 0
    unknown: int = 0  # answered 500 or not at all: maybe delivered
    deferred: int = 0  # held back by quiet hours
    retry_in: float | None = None  # seconds until the transient failures should be retried
    finished: list[uuid.UUID] = field(default_factory=list)


@dataclass
class _Plan:
    pushes: list[OutgoingPush] = field(default_factory=list)
    attempts: dict[Key, int] = field(default_factory=dict)  # earlier attempts of retried ones
    deferred: set[uuid.UUID] = field(default_factory=set)


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
            plan = await self._plan(uow.session, claimed, now, report)
        retrying: set[uuid.UUID] = set()
        for start in range(0, len(plan.pushes), self.chunk):
            chunk = plan.pushes[start : start + self.chunk]
            wait = self.limiter.reserve(len(chunk))
            if wait > MAX_INLINE_WAIT:  # FCM asked everyone to back off for a while
                retrying |= {push.notification_id for push in plan.pushes[start:]}
                report.retry_in = max(report.retry_in or 0.0, wait)
                break
            if wait > 0:
                await asyncio.sleep(wait)
            results = await self.gateway.send(chunk)
            retrying |= await self._record(chunk, results, plan.attempts, report)
        done = [n.id for n in claimed if n.id not in retrying and n.id not in plan.deferred]
        async with UnitOfWork(self.sessions) as uow:
            await repository.finish(uow.session, done, owner, utcnow())
            await repository.release(uow.session, list(retrying), owner)
        report.finished = done
        return report

    async def _plan(
        self,
        session: AsyncSession,
        claimed: Sequence[Claimed],
        now: datetime,
        report: DispatchReport,
    ) -> _Plan:
        """Decide, per notification and device, what to send now."""
        plan = _Plan()
        if not claimed:
            return plan
        user_ids = list({n.user_id for n in claimed})
        preferences = await preferences_of_many(session, user_ids)
        targets: dict[uuid.UUID, list[Target]] = defaultdict(list)
        for target in await repository.active_targets(session, user_ids):
            targets[target.user_id].append(target)
        done: set[Key] = set()
        for state in await repository.delivery_states(session, [n.id for n in claimed]):
            key = (state.notification_id, state.device_id)
            if state.status is DeliveryStatus.RETRYING:
                plan.attempts[key] = state.attempts
            else:
                done.add(key)
        deferred: dict[datetime, list[uuid.UUID]] = defaultdict(list)
        for notification in claimed:
            wanted = preferences[notification.user_id]
            if not wanted.allows(notification.category):
                continue  # it stays in the inbox; no push
            quiet_until = _quiet_until(wanted, now)
            if quiet_until is not None and not notification.urgent:
                deferred[quiet_until].append(notification.id)
                plan.deferred.add(notification.id)
                report.deferred += 1
                continue
            contents: dict[Locale, PushContent] = {}
            for target in targets[notification.user_id]:
                if (notification.id, target.id) in done:
                    continue
                content = contents.get(target.locale)
                if content is None:
                    content = contents[target.locale] = content_for(notification, target.locale)
                plan.pushes.append(
                    OutgoingPush(
                        notification.id,
                        target.id,
                        target.target,
                        ADDRESS_OF[target.target_kind],
                        content,
                    )
                )
        for until, deferred_ids in deferred.items():
            await repository.defer(session, deferred_ids, until)
        return plan

    async def _record(
        self,
        chunk: Sequence[OutgoingPush],
        results: Sequence[PushResult],
        earlier: dict[Key, int],
        report: DispatchReport,
    ) -> set[uuid.UUID]:
        """Commit what happened to one chunk; return notifications that need another try."""
        retrying: set[uuid.UUID] = set()
        dead: list[uuid.UUID] = []
        backoff: float | None = None
        now = utcnow()
        rows = []
        for push, result in zip(chunk, results, strict=True):
            attempts = earlier.get((push.notification_id, push.device_id), 0) + 1
            status = self._status(result.outcome, attempts)
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "notification_id": push.notification_id,
                    "device_id": push.device_id,
                    "status": status.value,
                    "attempts": attempts,
                    "message_id": result.message_id,
                    "error": result.error,
                    "updated_at": now,
                }
            )
            if result.outcome is Outcome.RETRY:
                backoff = max(backoff or 0.0, result.retry_after or DEFAULT_BACKOFF)
            report.unknown += result.outcome is Outcome.UNKNOWN
            if result.outcome is Outcome.SENT:
                report.sent += 1
            elif result.outcome is Outcome.DEAD_TARGET and push.device_id is not None:
                dead.append(push.device_id)
                report.dead_targets += 1
            elif status is DeliveryStatus.RETRYING:
                retrying.add(push.notification_id)
                report.retry_in = max(report.retry_in or 0.0, result.retry_after or 0.0)
            else:
                report.failed += 1
        if backoff is not None:
            self.limiter.defer(backoff)
        async with UnitOfWork(self.sessions) as uow:
            await repository.record_deliveries(uow.session, rows)
            await repository.deactivate_devices(uow.session, dead, "fcm_rejected_token")
        return retrying

    def _status(self, outcome: Outcome, attempts: int) -> DeliveryStatus:
        if outcome is Outcome.SENT:
            return DeliveryStatus.SENT
        sends = {Outcome.RETRY: self.max_attempts, Outcome.UNKNOWN: UNKNOWN_SENDS}.get(outcome, 0)
        if attempts < min(sends, self.max_attempts):
            return DeliveryStatus.RETRYING
        return DeliveryStatus.FAILED


def retry_delay(attempt: int, retry_after: float | None) -> float:
    """Exponential backoff with full jitter, never sooner than FCM's Retry-After."""
    backoff = random.uniform(0, min(300.0, 2.0**attempt))  # noqa: S311 - jitter, not secrecy
    return max(backoff, retry_after or 0.0)


class _Stored(Protocol):
    """A stored notification or broadcast, as far as its push is concerned."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def type(self) -> str: ...
    @property
    def urgent(self) -> bool: ...
    @property
    def title(self) -> Translated: ...
    @property
    def body(self) -> Translated: ...
    @property
    def deep_link(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...
    @property
    def collapse_key(self) -> str | None: ...
    @property
    def ttl_seconds(self) -> int: ...


def content_for(stored: _Stored, locale: Locale) -> PushContent:
    return PushContent(
        title=stored.title.get(locale),
        body=stored.body.get(locale),
        data=data_payload(str(stored.id), stored.type, stored.deep_link, stored.data),
        urgent=stored.urgent,
        collapse_key=stored.collapse_key or str(stored.id),
        ttl_seconds=stored.ttl_seconds,
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

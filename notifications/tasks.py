"""Celery tasks of the push pipeline: dispatch, the outbox sweep, stale-device pruning."""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from celery import shared_task
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.types import utcnow
from backend.db.unit_of_work import TaskSender, UnitOfWork
from backend.settings import Settings
from backend.worker.runtime import DomainTask, close_at_shutdown
from notifications import repository, service, topics, topics_repository
from notifications.broadcasts import BROADCAST_TASK, send_broadcast
from notifications.dispatch import Dispatcher, retry_delay
from notifications.gateways import GatewayKind, PushGateway, gateway_for, topic_manager_for
from notifications.rate_limiter import RateLimiter, rate_limiter
from notifications.topics import SYNC_TOPICS_TASK, TopicManager

log = logging.getLogger(__name__)

SWEEP_GRACE = timedelta(seconds=30)  # younger rows are still on their way through the broker
SWEEP_LIMIT = 50_000


@cache
def _gateway(credentials_file: Path | None, endpoint: str | None, kind: GatewayKind) -> PushGateway:
    made = gateway_for(credentials_file, endpoint, kind)
    close_at_shutdown(made.close)
    return made


@cache
def _topics(credentials_file: Path | None, endpoint: str | None) -> TopicManager:
    return topic_manager_for(credentials_file, endpoint)


@cache
def _limiter(per_second: int | None, redis_url: str | None) -> RateLimiter:
    return rate_limiter(per_second, redis_url)


# A threads pool's first tasks ask at the same moment: one gateway per process (firebase-admin
# refuses a second app of the same name), so the first is made under a lock.
_making = threading.Lock()


def limiter(settings: Settings) -> RateLimiter:
    redis_url = settings.broker_url if (settings.broker_url or "").startswith("redis") else None
    with _making:
        return _limiter(settings.push_rate_per_second, redis_url)


def gateway(settings: Settings) -> PushGateway:
    with _making:
        return _gateway(settings.fcm_credentials_file, settings.fcm_endpoint, settings.push_gateway)


def dispatcher(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> Dispatcher:
    return Dispatcher(
        sessions, gateway(settings), limiter(settings), chunk=settings.push_chunk_size
    )


@shared_task(name=service.DISPATCH_TASK, bind=True, base=DomainTask, max_retries=10)
def dispatch(self: DomainTask, ids: list[str]) -> dict[str, int]:
    """Push notifications to their devices; retry only what FCM asked us to retry."""
    settings = self.settings
    wanted = [uuid.UUID(value) for value in ids]
    report = self.run_async(
        lambda sessions: dispatcher(settings, sessions).dispatch(wanted, owner=self.request.id),
    )
    if report.retry_in is not None:
        raise self.retry(countdown=retry_delay(self.request.retries + 1, report.retry_in))
    return {"sent": report.sent, "dead": report.dead_targets, "failed": report.failed}


@shared_task(name=BROADCAST_TASK, bind=True, base=DomainTask, max_retries=10)
def broadcast(self: DomainTask, broadcast_id: str) -> None:
    """Send a public alert to its ward's language topics; retry what FCM did not take."""
    settings = self.settings
    retry_in = self.run_async(
        lambda sessions: send_broadcast(
            sessions, gateway(settings), limiter(settings), uuid.UUID(broadcast_id), self.request.id
        )
    )
    if retry_in is not None:
        raise self.retry(countdown=retry_delay(self.request.retries + 1, retry_in))


@shared_task(name=SYNC_TOPICS_TASK, bind=True, base=DomainTask, max_retries=5)
def sync_topics(self: DomainTask) -> int:
    """Tell FCM which devices joined or left which topics; refused batches are tried again."""
    settings = self.settings
    with _making:
        manager = _topics(settings.fcm_credentials_file, settings.fcm_endpoint)
    still_pending = self.run_async(lambda sessions: topics.sync(sessions, manager, utcnow()))
    if still_pending:
        raise self.retry(countdown=retry_delay(self.request.retries + 1, None))
    return still_pending


async def sweep(
    sessions: async_sessionmaker[AsyncSession], tasks: TaskSender, now: datetime
) -> int:
    """Re-enqueue notifications that were committed but never dispatched (Redis was down, a
    worker died), leaving the young ones a grace period to arrive the normal way."""
    async with UnitOfWork(sessions, tasks) as uow:
        ids = await repository.due_undispatched_ids(
            uow.session, created_before=now - SWEEP_GRACE, now=now, limit=SWEEP_LIMIT
        )
        for start in range(0, len(ids), service.DISPATCH_BATCH):
            batch = ids[start : start + service.DISPATCH_BATCH]
            uow.enqueue(service.DISPATCH_TASK, [str(i) for i in batch])
        alerts = await topics_repository.undispatched_broadcasts(
            uow.session, created_before=now - SWEEP_GRACE, now=now
        )
        for alert in alerts:
            uow.enqueue(BROADCAST_TASK, str(alert))
    ids = [*ids, *alerts]
    if ids:
        log.info("notifications.sweep_outbox.requeued", extra={"count": len(ids)})
    return len(ids)


@shared_task(name="notifications.sweep_outbox", bind=True, base=DomainTask)
def sweep_outbox(self: DomainTask) -> int:
    return self.run_async(lambda sessions: sweep(sessions, self.app, utcnow()))


@shared_task(name="notifications.prune_stale_devices", bind=True, base=DomainTask)
def prune_stale_devices(self: DomainTask) -> int:
    async def work(sessions: async_sessionmaker[AsyncSession]) -> int:
        async with UnitOfWork(sessions) as uow:
            return await service.prune_stale_devices(uow.session, utcnow())

    return self.run_async(work)

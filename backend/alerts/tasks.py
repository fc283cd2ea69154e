"""Celery tasks of the alerts domain: deliver an issued alert, and sweep up any whose delivery
was committed but never ran (the broker was down at the time)."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from celery import shared_task
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.alerts import delivery, repository
from backend.alerts.lifecycle import DELIVER_TASK
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.worker.runtime import DomainTask

log = logging.getLogger(__name__)

SWEEP_GRACE = timedelta(minutes=1)
SWEEP_LIMIT = 100


@shared_task(name=DELIVER_TASK, bind=True, base=DomainTask)
def deliver(self: DomainTask, alert_id: str) -> int:
    """Push the alert's wards, then fill the residents' inboxes; idempotent."""
    app = self.app
    wanted = uuid.UUID(alert_id)

    async def work(sessions: async_sessionmaker[AsyncSession]) -> int:
        async with UnitOfWork(sessions, app) as uow:
            await delivery.deliver_to_wards(uow, wanted, utcnow())
        async with UnitOfWork(sessions, app) as uow:
            return await delivery.deliver_to_inboxes(uow, wanted, utcnow())

    residents = self.run_async(work)
    log.info("alerts.deliver.done", extra={"alert_id": alert_id, "residents": residents})
    return residents


@shared_task(name="alerts.sweep_deliveries", bind=True, base=DomainTask)
def sweep_deliveries(self: DomainTask) -> int:
    """Send the delivery task again for issued alerts not delivered a minute after issue."""
    app = self.app

    async def work(sessions: async_sessionmaker[AsyncSession]) -> list[uuid.UUID]:
        async with UnitOfWork(sessions) as uow:
            return await repository.undelivered_ids(
                uow.session, utcnow() - SWEEP_GRACE, SWEEP_LIMIT
            )

    found = self.run_async(work)
    for alert_id in found:
        app.send_task(DELIVER_TASK, args=[str(alert_id)])
    return len(found)

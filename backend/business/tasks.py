"""Celery tasks of the business domain: renewal reminders."""

from __future__ import annotations

import logging

from celery import shared_task
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.business import permits
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.worker.runtime import DomainTask

log = logging.getLogger(__name__)

MAX_BATCHES = 20


@shared_task(name="business.send_renewal_reminders", bind=True, base=DomainTask)
def send_renewal_reminders(self: DomainTask) -> int:
    """Remind holders of permits nearing expiry; each batch commits on its own (idempotent)."""
    app = self.app

    async def work(sessions: async_sessionmaker[AsyncSession]) -> int:
        reminded = 0
        for _ in range(MAX_BATCHES):
            async with UnitOfWork(sessions, app) as uow:
                found, sent = await permits.send_renewal_reminders(uow, now=utcnow())
            reminded += sent
            if found < permits.BATCH:
                break
        return reminded

    reminded = self.run_async(work)
    log.info("business.send_renewal_reminders.done", extra={"reminded": reminded})
    return reminded

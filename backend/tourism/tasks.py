"""Celery tasks of the tourism domain: reminders of saved events."""

from __future__ import annotations

import logging

from celery import shared_task
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.tourism import reminders
from backend.worker.runtime import DomainTask

log = logging.getLogger(__name__)

MAX_BATCHES = 20


@shared_task(name="tourism.send_event_reminders", bind=True, base=DomainTask)
def send_event_reminders(self: DomainTask) -> int:
    """Push the reminders of saved events starting within a day (idempotent)."""
    app = self.app

    async def work(sessions: async_sessionmaker[AsyncSession]) -> int:
        pushed = 0
        for _ in range(MAX_BATCHES):
            async with UnitOfWork(sessions, app) as uow:
                found, sent = await reminders.send_due(uow, now=utcnow())
            pushed += sent
            if found < reminders.BATCH:
                break
        return pushed

    pushed = self.run_async(work)
    log.info("tourism.send_event_reminders.done", extra={"pushed": pushed})
    return pushed

"""Celery tasks of the health domain: reminders and the rolling horizon of slots."""

from __future__ import annotations

import logging

from celery import shared_task
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.health import reminders, schedules
from backend.health.policy import HealthPolicy
from backend.worker.runtime import DomainTask

log = logging.getLogger(__name__)

MAX_BATCHES = 20


@shared_task(name="health.send_due_reminders", bind=True, base=DomainTask)
def send_due_reminders(self: DomainTask) -> int:
    """Push the reminders that fell due; each batch commits on its own (idempotent)."""
    app = self.app

    async def work(sessions: async_sessionmaker[AsyncSession]) -> int:
        pushed = 0
        for _ in range(MAX_BATCHES):
            async with UnitOfWork(sessions, app) as uow:
                handled, sent = await reminders.send_due(uow, now=utcnow())
            pushed += sent
            if handled < reminders.BATCH:
                break
        return pushed

    pushed = self.run_async(work)
    log.info("health.send_due_reminders.done", extra={"pushed": pushed})
    return pushed


@shared_task(name="health.generate_slots", bind=True, base=DomainTask)
def generate_slots(self: DomainTask) -> int:
    """Extend every active schedule's slots to the horizon (idempotent)."""
    policy = HealthPolicy.from_settings(self.settings)

    async def work(sessions: async_sessionmaker[AsyncSession]) -> int:
        async with UnitOfWork(sessions) as uow:
            return await schedules.generate_slots(
                uow.session, horizon_days=policy.horizon_days, now=utcnow()
            )

    added = self.run_async(work)
    log.info("health.generate_slots.done", extra={"added": added})
    return added

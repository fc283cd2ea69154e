"""Celery tasks of online enrolment: places not confirmed by the deadline go back."""

from __future__ import annotations

import logging

from celery import shared_task
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.schools.admissions import decisions
from backend.worker.runtime import DomainTask

log = logging.getLogger(__name__)

MAX_BATCHES = 20


@shared_task(name="schools.expire_enrolment_offers", bind=True, base=DomainTask)
def expire_enrolment_offers(self: DomainTask) -> int:
    """Expire unconfirmed admissions; each batch commits on its own (idempotent)."""
    app = self.app

    async def work(sessions: async_sessionmaker[AsyncSession]) -> int:
        expired = 0
        for _ in range(MAX_BATCHES):
            async with UnitOfWork(sessions, app) as uow:
                found = await decisions.expire_unconfirmed(uow, now=utcnow())
            expired += found
            if found < decisions.EXPIRE_BATCH:
                break
        return expired

    expired = self.run_async(work)
    log.info("schools.expire_enrolment_offers.done", extra={"expired": expired})
    return expired

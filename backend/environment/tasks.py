"""Celery tasks of the environment domain: observation partitions kept ahead of time."""

from __future__ import annotations

import logging

from celery import shared_task
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.types import utcnow
from backend.environment import partitions
from backend.worker.runtime import DomainTask

log = logging.getLogger(__name__)


@shared_task(name="environment.create_partitions", bind=True, base=DomainTask)
def create_partitions(self: DomainTask) -> int:
    """Create this month's and the next months' partitions that are missing (PostgreSQL)."""

    async def work(sessions: async_sessionmaker[AsyncSession]) -> int:
        engine = sessions.kw["bind"]
        return await partitions.create_ahead(engine, utcnow().date())

    created = self.run_async(work)
    log.info("environment.create_partitions.done", extra={"created": created})
    return created

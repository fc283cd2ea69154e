"""Celery tasks of files: purge uploads nobody took into a record."""

from __future__ import annotations

import logging

from celery import shared_task
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.types import utcnow
from backend.files import service
from backend.files.storage import file_store_for
from backend.worker.runtime import DomainTask

log = logging.getLogger(__name__)

BATCH = 500
MAX_BATCHES = 20


@shared_task(name="files.purge_unattached", bind=True, base=DomainTask)
def purge_unattached(self: DomainTask) -> int:
    """Delete uploads older than a day that no record took (idempotent)."""
    files = file_store_for(self.settings)

    async def work(sessions: async_sessionmaker[AsyncSession]) -> int:
        purged = 0
        for _ in range(MAX_BATCHES):
            found = await service.purge_unattached(sessions, files, now=utcnow(), limit=BATCH)
            purged += found
            if found < BATCH:
                break
        return purged

    purged = self.run_async(work)
    log.info("files.purge_unattached.done", extra={"purged": purged})
    return purged

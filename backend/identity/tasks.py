"""Celery tasks of the identity domain."""

from __future__ import annotations

import logging

from celery import shared_task
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.identity import service
from backend.worker.runtime import DomainTask

log = logging.getLogger(__name__)


@shared_task(name="identity.purge_expired_refresh_tokens", bind=True, base=DomainTask)
def purge_expired_refresh_tokens(self: DomainTask) -> int:
    """Delete refresh tokens that expired more than a week ago (idempotent)."""

    async def work(sessions: async_sessionmaker[AsyncSession]) -> int:
        async with UnitOfWork(sessions) as uow:
            return await service.purge_expired_refresh_tokens(uow.session, utcnow())

    deleted = self.run_async(work)
    log.info("identity.purge_expired_refresh_tokens.done", extra={"deleted": deleted})
    return deleted

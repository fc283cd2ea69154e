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


@shared_task(name="identity.purge_stale_sign_in_state", bind=True, base=DomainTask)
def purge_stale_sign_in_state(self: DomainTask) -> dict[str, int]:
    """Delete expired verifications and idle rate and failure counters (idempotent)."""

    async def work(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
        async with UnitOfWork(sessions) as uow:
            return await service.purge_stale_sign_in_state(uow.session, utcnow())

    deleted = self.run_async(work)
    log.info("identity.purge_stale_sign_in_state.done", extra={"deleted": deleted})
    return deleted

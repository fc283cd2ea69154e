"""Celery tasks of the cards domain: purging nonces past their use."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.cards import passkey_repository, repository
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.worker.runtime import DomainTask

log = logging.getLogger(__name__)


@shared_task(name="cards.purge_nonces", bind=True, base=DomainTask)
def purge_nonces(self: DomainTask) -> int:
    """Nonces, replay markers and desktop challenges an hour past expiry: never accepted again."""
    app = self.app

    async def work(sessions: async_sessionmaker[AsyncSession]) -> int:
        async with UnitOfWork(sessions, app) as uow:
            moment = utcnow() - timedelta(hours=1)
            nonces = await repository.delete_nonces_expired_before(uow.session, moment)
            nonces += await passkey_repository.delete_challenges_expired_before(uow.session, moment)
            return nonces + await repository.delete_desktop_sign_ins_expired_before(
                uow.session, moment
            )

    purged = self.run_async(work)
    log.info("cards.purge_nonces.done", extra={"purged": purged})
    return purged

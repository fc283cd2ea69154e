"""A dispatch claims its notifications by primary key, even when they are a burst the planner's
statistics do not know yet (a city-wide alert, before autovacuum has analysed the new rows)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from notifications import repository
from tests.notifications.conftest import booked, notify_now
from tests.support.plans import planned

RESIDENT = "+84905000001"
PAST = 20_000  # dispatched notifications the statistics know
BURST = 3_000  # new ones they do not know yet
postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@postgresql_only
async def test_a_claim_reads_only_its_own_rows_of_a_burst_nobody_analysed(seeded: Any) -> None:
    [first] = await notify_now(seeded, [RESIDENT], booked("a"))
    async with UnitOfWork(seeded.sessions) as uow:
        await copy(uow, first, PAST, dispatched=True)
        await uow.session.execute(text("ANALYZE notifications"))  # the past, known to the planner
        burst = await copy(uow, first, BURST, dispatched=False)
    async with seeded.sessions() as session, session.begin():
        now = utcnow()
        claimed, _, plan = await planned(
            session, lambda: repository.claim(session, burst[:500], "task-1", now, now)
        )
        await session.rollback()

    assert {row.id for row in claimed} == set(burst[:500])
    assert "pk_notifications" in plan, plan
    assert "ix_notifications_dispatched_at_send_after" not in plan, plan


async def copy(
    uow: UnitOfWork, first: uuid.UUID, count: int, *, dispatched: bool
) -> list[uuid.UUID]:
    copies = await uow.session.execute(
        text(
            "INSERT INTO notifications (id, user_id, category, type, urgent, title, body,"
            " deep_link, data, collapse_key, ttl_seconds, created_at, dispatch_attempts,"
            " dispatched_at)"
            " SELECT gen_random_uuid(), user_id, category, type, urgent, title, body,"
            " deep_link, data, collapse_key, ttl_seconds, created_at, 0,"
            " CASE WHEN :dispatched THEN created_at END"
            " FROM notifications, generate_series(1, :count) WHERE id = :first RETURNING id"
        ),
        {"count": count, "first": first, "dispatched": dispatched},
    )
    return [uuid.UUID(str(row)) for row in copies.scalars()]

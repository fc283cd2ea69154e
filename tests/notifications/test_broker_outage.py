"""With the broker down, a mutation that notifies still succeeds; its push waits in the outbox for
the sweep instead of holding the request up."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from notifications.models import Notification
from tests.health.conftest import AN, CENTRAL, book, slots_of, user_uuid
from tests.support.sessions import token


@pytest.mark.parametrize("settings_overrides", [{"CELERY_BROKER_URL": "redis://127.0.0.1:1/0"}])
async def test_a_booking_is_kept_and_its_push_waits_for_the_sweep(seeded: Any) -> None:
    slot = (await slots_of(seeded, CENTRAL, "pediatrics"))[0]

    booked = await book(seeded, await token(seeded, AN), slot)

    assert booked["status"] == "BOOKED"
    async with seeded.sessions() as session:
        pending = (
            await session.scalars(select(Notification).where(Notification.user_id == user_uuid(AN)))
        ).all()
    assert [(row.type, row.dispatched_at) for row in pending] == [("appointment.booked", None)]

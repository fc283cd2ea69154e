"""The embedded mode, without Redis: processes of one machine relay events through sockets
under var/, so `citizen up`'s worker and several API processes reach each other's clients."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.health.conftest import AN, CENTRAL, slot_gid, slots_of
from tests.live.conftest import APPOINTMENT_CHANGED, NOTIFICATION_RECEIVED, Servers
from tests.live.test_subscriptions import BOOK_ID, notify_now, signed_in
from tests.support.graphql import data
from tests.support.live import listening
from tests.support.sessions import token

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {}  # no Redis anywhere


async def test_events_cross_processes_without_redis(seeded: Any, servers: Servers) -> None:
    an = await token(seeded, AN)
    slot = (await slots_of(seeded, CENTRAL, "general-internal"))[0]
    with servers(2) as (first, second):
        client = await signed_in(second, an)
        await client.subscribe("inbox", NOTIFICATION_RECEIVED)
        await client.subscribe("appointments", APPOINTMENT_CHANGED)
        await listening(second, 2)

        # Raised by another process, as the worker's reminders are.
        await notify_now(seeded, AN)
        arrived = await client.receive()
        assert arrived["id"] == "inbox"

        # Raised by another API process.
        async with httpx.AsyncClient() as http:
            answer = await http.post(
                first.http_url,
                json={"query": BOOK_ID, "variables": {"slot": slot_gid(slot)}},
                headers={"Authorization": f"Bearer {an}"},
            )
        booked = data(answer.json())["bookAppointment"]["id"]
        got = {m["id"]: m for m in [await client.receive(), await client.receive()]}
        assert got["appointments"]["payload"]["data"]["appointmentChanged"]["id"] == booked
        assert await client.quiet(1.0) == []
        await client.close()

"""Subscriptions over WebSocket as the app uses them: sign in through `connection_init`, get
one's own inbox and appointments live, and nothing of anyone else's."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from notifications.service import notify
from tests.health.conftest import (
    AN,
    BINH,
    CANCEL,
    CENTRAL,
    CHECK_IN,
    DUNG,
    book,
    cancel_input,
    slot_gid,
    slots_of,
    user_uuid,
)
from tests.live.conftest import APPOINTMENT_CHANGED, NOTIFICATION_RECEIVED, Servers
from tests.notifications.conftest import booked
from tests.support.graphql import data
from tests.support.live import ApiProcess, LiveClient, listening
from tests.support.sessions import token

UNREAD = "query { viewer { unreadNotificationCount } }"


async def signed_in(server: ApiProcess, bearer: str | None) -> LiveClient:
    client = await LiveClient.open(server.ws_url)
    assert await client.init(bearer) == {"type": "connection_ack"}
    return client


async def test_the_inbox_and_appointments_arrive_live(seeded: Any, server: ApiProcess) -> None:
    an = await token(seeded, AN)
    client = await signed_in(server, an)
    await client.subscribe("inbox", NOTIFICATION_RECEIVED)
    await client.subscribe("appointments", APPOINTMENT_CHANGED)
    await listening(server, 2)

    slot = (await slots_of(seeded, CENTRAL, "general-internal"))[0]
    appointment = await book(seeded, an, slot)

    got = {message["id"]: message for message in [await client.receive(), await client.receive()]}
    assert got.keys() == {"inbox", "appointments"}
    assert all(message["type"] == "next" for message in got.values())
    changed = got["appointments"]["payload"]["data"]["appointmentChanged"]
    assert changed["id"] == appointment["id"]
    assert changed["status"] == "BOOKED"
    assert changed["queueNumber"] == appointment["queueNumber"]
    received = got["inbox"]["payload"]["data"]["notificationReceived"]
    assert received["notification"]["type"] == "appointment.booked"
    assert received["notification"]["readAt"] is None
    unread = data(await seeded(UNREAD, token=an))["viewer"]["unreadNotificationCount"]
    assert received["viewer"]["unreadNotificationCount"] == unread

    # Staff check the patient in at the desk: the patient's app sees ARRIVED.
    data(await seeded(CHECK_IN, {"id": appointment["id"]}, token=await token(seeded, DUNG)))
    arrived = await client.receive()
    assert arrived["id"] == "appointments"
    assert arrived["payload"]["data"]["appointmentChanged"]["status"] == "ARRIVED"

    # Completing one subscription leaves the other running.
    await client.send({"id": "appointments", "type": "complete"})
    await asyncio.sleep(0.3)
    await notify_now(seeded, AN)
    later = await client.receive()
    assert later["id"] == "inbox"
    assert await client.quiet(1.0) == []
    await client.close()


async def notify_now(api: Any, phone: str) -> None:
    async with UnitOfWork(api.sessions, api.app.state.services.celery) as uow:
        await notify(uow, user_ids=[user_uuid(phone)], message=booked(), now=utcnow())


async def test_no_event_of_one_account_reaches_another(seeded: Any, server: ApiProcess) -> None:
    an, binh = await token(seeded, AN), await token(seeded, BINH)
    an_socket, binh_socket = await signed_in(server, an), await signed_in(server, binh)
    for socket in (an_socket, binh_socket):
        await socket.subscribe("inbox", NOTIFICATION_RECEIVED)
        await socket.subscribe("appointments", APPOINTMENT_CHANGED)
    await listening(server, 4)

    slots = await slots_of(seeded, CENTRAL, "general-internal")
    booked_by_an = await book(seeded, an, slots[0])
    data(await seeded(CANCEL, cancel_input(booked_by_an), token=an))

    an_got = [
        await an_socket.receive() for _ in range(3)
    ]  # booked (inbox + appointment), cancelled
    assert sorted(m["id"] for m in an_got) == ["appointments", "appointments", "inbox"]
    assert await an_socket.quiet(1.0) == []
    assert await binh_socket.quiet(1.0) == []  # nothing at all of An's

    booked_by_binh = await book(seeded, binh, slots[1])
    binh_got = [await binh_socket.receive() for _ in range(2)]
    ids = {
        m["payload"]["data"].get("appointmentChanged", {}).get("id")
        for m in binh_got
        if m["id"] == "appointments"
    }
    assert ids == {booked_by_binh["id"]}
    assert await an_socket.quiet(1.0) == []
    await an_socket.close()
    await binh_socket.close()


async def test_personal_subscriptions_need_a_signed_in_viewer(server: ApiProcess) -> None:
    anonymous = await signed_in(server, None)
    await anonymous.subscribe("inbox", NOTIFICATION_RECEIVED)
    refused = await anonymous.receive()
    assert refused["type"] == "next", refused
    assert refused["payload"]["data"] is None
    assert [e["extensions"]["code"] for e in refused["payload"]["errors"]] == ["UNAUTHENTICATED"]
    assert await anonymous.receive() == {"id": "inbox", "type": "complete"}
    await anonymous.close()


async def test_a_bad_or_expired_token_closes_with_4403(seeded: Any, server: ApiProcess) -> None:
    client = await LiveClient.open(server.ws_url)
    await client.send(
        {"type": "connection_init", "payload": {"Authorization": "Bearer not-a-token"}}
    )
    assert await client.closed_with() == 4403

    auth = seeded.app.state.services.auth
    user, session = user_uuid(AN), user_uuid(BINH)
    expired = auth.keyring.issue(
        user_id=user,
        session_id=session,
        now=utcnow() - timedelta(seconds=auth.keyring.ttl_seconds + 60),
    )
    client = await LiveClient.open(server.ws_url)
    await client.send(
        {"type": "connection_init", "payload": {"Authorization": f"Bearer {expired}"}}
    )
    assert await client.closed_with() == 4403


async def test_the_socket_closes_with_4403_when_its_token_runs_out(
    seeded: Any, server: ApiProcess
) -> None:
    auth = seeded.app.state.services.auth
    an = await token(seeded, AN)  # a real session, so the token's session exists
    claims = auth.keyring.verify(an)
    almost_over = auth.keyring.issue(
        user_id=claims.user_id,
        session_id=claims.session_id,
        now=utcnow() - timedelta(seconds=auth.keyring.ttl_seconds - 2),
    )
    client = await signed_in(server, almost_over)
    await client.subscribe("inbox", NOTIFICATION_RECEIVED)
    assert await client.closed_with(within=15) == 4403


async def test_a_rolled_back_change_raises_nothing(seeded: Any, server: ApiProcess) -> None:
    an = await token(seeded, AN)
    client = await signed_in(server, an)
    await client.subscribe("inbox", NOTIFICATION_RECEIVED)
    await listening(server, 1)

    try:
        async with UnitOfWork(seeded.sessions, seeded.app.state.services.celery) as uow:
            await notify(uow, user_ids=[user_uuid(AN)], message=booked("gone"), now=utcnow())
            raise LookupError("the rest of the change failed")
    except LookupError:
        pass
    await notify_now(seeded, AN)

    # The first event to arrive is the committed one.
    arrived = await client.receive()
    assert arrived["payload"]["data"]["notificationReceived"]["notification"]["data"] == {
        "appointmentId": "a1"
    }
    assert await client.quiet(1.0) == []
    await client.close()


async def test_an_event_raised_through_one_api_process_reaches_a_client_of_another(
    seeded: Any, servers: Servers
) -> None:
    an = await token(seeded, AN)
    slot = (await slots_of(seeded, CENTRAL, "general-internal"))[0]
    with servers(2) as (first, second):
        client = await signed_in(second, an)
        await client.subscribe("appointments", APPOINTMENT_CHANGED)
        await listening(second, 1)
        async with httpx.AsyncClient() as http:
            answer = await http.post(
                first.http_url,
                json={"query": BOOK_ID, "variables": {"slot": slot_gid(slot)}},
                headers={"Authorization": f"Bearer {an}"},
            )
        booked_id = data(answer.json())["bookAppointment"]["id"]
        arrived = await client.receive()
        assert arrived["payload"]["data"]["appointmentChanged"]["id"] == booked_id
        await client.close()


BOOK_ID = """
mutation($slot: ID!) {
  bookAppointment(input: {slotId: $slot, patient: {self: true}}) { id }
}
"""

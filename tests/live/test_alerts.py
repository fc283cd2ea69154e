"""Public alerts, live: issued through the real Celery worker, a socket following a ward gets
the alerts reaching it, one following another ward does not, exercises reach no one, and no
sign-in is needed."""

from __future__ import annotations

import json
from typing import Any

from celery.contrib.testing.worker import start_worker

from backend.alerts import operators
from backend.alerts.areas import Area
from backend.alerts.models import Severity, Status, Urgency
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.graphql_api.persisted import MANIFEST
from backend.settings import Settings
from backend.worker.celery_app import create_celery
from tests.alerts.conftest import gid
from tests.alerts.test_delivery_worker import OPERATOR, SECOND, fcm, pipeline
from tests.alerts.test_matching import HERE, _content
from tests.live.test_subscriptions import signed_in
from tests.support.live import ApiProcess, LiveClient, listening
from tests.support.sessions import token

__all__ = ["fcm", "pipeline"]  # fixtures of the worker's FCM fake, used here

ALERT_ISSUED = next(
    o["body"] for o in json.loads(MANIFEST.read_text())["operations"] if o["name"] == "AlertIssued"
)
IN_KIM_LONG = {"latitude": 16.464, "longitude": 107.562}  # west of 107.566° E


async def issued(client: LiveClient, name: str) -> dict[str, Any]:
    message = await client.receive(within=30)
    assert (message["id"], message["type"]) == (name, "next"), message
    found: dict[str, Any] = message["payload"]["data"]["alertIssued"]
    return found


async def test_a_ward_s_followers_get_its_alerts_and_no_exercise(
    seeded: Any, server: ApiProcess, pipeline: Settings
) -> None:
    celery = create_celery(pipeline)
    near = await signed_in(server, None)  # anonymous, at a position in Kim Long
    await near.subscribe("near", ALERT_ISSUED, {"near": IN_KIM_LONG})
    elsewhere = await signed_in(server, await token(seeded, "+84905000001"))
    await elsewhere.subscribe("elsewhere", ALERT_ISSUED, {"ward": "vinh-ninh"})
    everything = await signed_in(server, None)
    await everything.subscribe("all", ALERT_ISSUED)
    await listening(server, 3)

    kim_long = Area(HERE, wards=("kim-long",))
    now = utcnow()
    async with UnitOfWork(seeded.sessions, celery) as uow:
        drill = await operators.draft(
            uow,
            OPERATOR,
            _content(
                kim_long, Status.EXERCISE, severity=Severity.EXTREME, urgency=Urgency.IMMEDIATE
            ),
            now,
        )
        flood = await operators.draft(uow, OPERATOR, _content(kim_long), now)
    async with UnitOfWork(seeded.sessions, celery) as uow:
        await operators.issue(uow, OPERATOR, drill.id, now)  # alone: Extreme + Immediate
        await operators.approve(uow, SECOND, flood.id, now)
        await operators.issue(uow, OPERATOR, flood.id, now)

    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        # The exercise was delivered first: the first alert to arrive is the real one.
        got = await issued(near, "near")
        assert got["id"] == gid(flood.id)
        assert (got["status"], got["stage"], got["headline"]) == (
            "ACTUAL",
            "ISSUED",
            "Mực nước sông Hương tại Kim Long vượt báo động II",
        )
        assert got["areas"][0]["wards"] == ["kim-long"]
        assert (await issued(everything, "all"))["id"] == gid(flood.id)
        assert await near.quiet(1.0) == []
        assert await everything.quiet(0.2) == []
        assert await elsewhere.quiet(0.2) == []  # Vĩnh Ninh is not flooded
    for client in (near, elsewhere, everything):
        await client.close()


async def test_a_position_outside_every_ward_or_bad_is_answered_as_the_query_does(
    server: ApiProcess,
) -> None:
    client = await signed_in(server, None)
    await client.subscribe("far", ALERT_ISSUED, {"near": {"latitude": 95.0, "longitude": 107.5}})
    refused = await client.receive()
    assert refused["type"] == "next", refused
    assert [e["extensions"]["code"] for e in refused["payload"]["errors"]] == ["BAD_USER_INPUT"]
    assert await client.receive() == {"id": "far", "type": "complete"}
    await client.close()

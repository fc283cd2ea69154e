"""A request reads through one connection, and never holds two at once."""

from __future__ import annotations

import gc
import json
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event

from tests.contract.test_operations import BY_NAME
from tests.health.conftest import AN, CENTRAL, NEAR_BRIDGE, book, slots_of
from tests.support.databases import Templates
from tests.support.sessions import token

SEARCH = """
query($near: GeoPointInput!) {
  healthFacilities(near: $near, first: 5) {
    edges { node {
      id name distanceMeters
      openingHours { weekday opens }
      specialties { code name }
      practitioners { fullName specialties { code } }
      nextAvailableSlot { id start specialty { code } }
    } }
  }
}
"""


@dataclass
class Checkouts:
    total: int = 0
    held: int = 0
    most_held: int = 0

    def reset(self) -> None:
        self.total = self.most_held = 0


@pytest.fixture
async def checkouts(seeded: Any) -> Checkouts:
    """The pool's checkouts and checkins. No read connection is kept between requests here, so
    each one a request takes is a checkout, and each one it gives back a checkin."""
    connections = seeded.app.state.services.read_connections
    await connections.close()
    connections.keep = 0
    seen = Checkouts()
    pool = seeded.app.state.engine.sync_engine.pool

    def out(*_: Any) -> None:
        seen.total += 1
        seen.held += 1
        seen.most_held = max(seen.most_held, seen.held)

    def back(*_: Any) -> None:
        seen.held -= 1

    event.listen(pool, "checkout", out)
    event.listen(pool, "checkin", back)
    return seen


@pytest.mark.parametrize("settings_overrides", [{"PUBLIC_ANSWER_TTL_SECONDS": 0}])
async def test_a_nested_search_reads_through_one_connection(
    seeded: Any, checkouts: Checkouts
) -> None:
    checkouts.reset()
    seeded.sql.clear()

    body = await seeded(SEARCH, {"near": NEAR_BRIDGE})

    assert not body.get("errors"), body
    assert len(body["data"]["healthFacilities"]["edges"]) >= 3
    assert checkouts.total == 1
    assert checkouts.held == 0  # given back when the answer was written
    # One statement per batch: facilities, opening hours, specialties, practitioners and
    # theirs, next slots and their specialties; no BEGIN, ROLLBACK or ping among them.
    assert seeded.sql.count == 7, seeded.sql.statements


async def test_a_mutation_never_holds_two_connections(seeded: Any, checkouts: Checkouts) -> None:
    bearer = await token(seeded, AN)
    slot = (await slots_of(seeded, CENTRAL, "pediatrics"))[0]
    checkouts.reset()

    booked = await book(seeded, bearer, slot)

    assert booked["status"] == "BOOKED"
    assert checkouts.most_held == 1
    assert checkouts.held == 0


async def post(app: Any, body: dict[str, Any], bearer: str | None = None) -> dict[str, Any]:
    """POST /graphql straight to the ASGI app: no HTTP client whose own objects could be in
    the way of counting what the request left behind."""
    raw = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    if bearer:
        headers.append((b"authorization", f"Bearer {bearer}".encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    requests = [{"type": "http.request", "body": raw, "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return requests.pop(0) if requests else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    assert sent[0]["status"] == 200
    answer: dict[str, Any] = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
    return answer


@pytest.mark.parametrize("settings_overrides", [{"PUBLIC_ANSWER_TTL_SECONDS": 0}])
async def test_reads_leave_no_reference_cycles_behind(seeded: Any, templates: Templates) -> None:
    """What the app's hot reads made is freed when they end, not by the garbage collector: a
    cycle kept every row and future of a request alive until a collection, one per facility
    search. (Statements SQLAlchemy builds per request hold cycles of their own: the hot reads
    are prepared.)"""
    bearer = await token(seeded, AN)
    reads = [
        ({"query": BY_NAME["HealthFacilities"]["body"], "variables": {"near": NEAR_BRIDGE}}, None),
        ({"query": BY_NAME["Home"]["body"], "variables": {"near": NEAR_BRIDGE}}, bearer),
        ({"query": BY_NAME["Attractions"]["body"], "variables": {}}, None),
        ({"query": "{ places(first: 20) { edges { node { id name kind address } } } }"}, None),
    ]
    for body, bearer_of in reads:  # plans, statements and tokens cached before counting
        await post(seeded.app, body, bearer_of)
    # Test databases are made and dropped on threads meanwhile; their closed connections'
    # transports are cycles (asyncio's), not ours.
    templates.wait_idle()
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for body, bearer_of in reads:
            answer = await post(seeded.app, body, bearer_of)
            assert not answer.get("errors"), answer
        gc.collect()
        left = sorted({type(thing).__qualname__ for thing in gc.garbage})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()

    assert left == [], left

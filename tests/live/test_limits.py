"""What one socket may do: operations at once, message size, time to sign in, and the same
cost and trusted-document rules as HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.health.conftest import AN
from tests.live.conftest import NOTIFICATION_RECEIVED, Servers
from tests.support.live import LiveClient
from tests.support.sessions import token

MANIFEST = Path(__file__).resolve().parents[2] / "mobile_contract" / "persisted-queries.json"

# Limits are about the socket, not the database: SQLite alone.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

EXPENSIVE = """
subscription Expensive {
  notificationReceived {
    viewer { notifications(first: 50) { edges { node { id title body } } } }
  }
}
"""


async def test_a_socket_has_limits(seeded: Any, servers: Servers) -> None:
    an = await token(seeded, AN)
    limits = {
        "GRAPHQL_WS_MAX_SUBSCRIPTIONS": "2",
        "GRAPHQL_WS_INIT_TIMEOUT_SECONDS": "1",
        "GRAPHQL_WS_MAX_MESSAGE_BYTES": "2048",
        "GRAPHQL_MAX_COST": "100",
    }
    with servers(1, **limits) as (server,):
        # Two operations at once, not three.
        client = await LiveClient.open(server.ws_url)
        assert (await client.init(an))["type"] == "connection_ack"
        await client.subscribe("1", NOTIFICATION_RECEIVED)
        await client.subscribe("2", NOTIFICATION_RECEIVED)
        await client.subscribe("3", NOTIFICATION_RECEIVED)
        refused = await client.receive()
        assert refused["id"] == "3"
        assert refused["type"] == "error"
        # The same id twice is a protocol error (4409).
        await client.subscribe("1", NOTIFICATION_RECEIVED)
        assert await client.closed_with() == 4409

        # Cost is checked as over HTTP, before anything runs.
        client = await LiveClient.open(server.ws_url)
        await client.init(an)
        await client.subscribe("costly", EXPENSIVE)
        answer = await client.receive()
        assert answer["id"] == "costly"
        codes = [error["extensions"]["code"] for error in _errors(answer)]
        assert codes == ["QUERY_TOO_COMPLEX"]

        # A message over the size limit closes the socket as a bad request.
        await client.subscribe("big", NOTIFICATION_RECEIVED + "#" * 4096)
        assert await client.closed_with() == 4400

        # No connection_init within the time allowed: 4408.
        silent = await LiveClient.open(server.ws_url)
        assert await silent.closed_with(within=5) == 4408

        # Anything before connection_init is acknowledged: 4401.
        early = await LiveClient.open(server.ws_url)
        await early.subscribe("1", NOTIFICATION_RECEIVED)
        assert await early.closed_with() == 4401


async def test_only_the_apps_subscriptions_run_with_the_allow_list_on(
    seeded: Any, servers: Servers
) -> None:
    an = await token(seeded, AN)
    manifest = json.loads(MANIFEST.read_text())["operations"]
    (shipped,) = [op["body"] for op in manifest if op["name"] == "NotificationReceived"]
    with servers(1, GRAPHQL_TRUSTED_DOCUMENTS_ONLY="true") as (server,):
        client = await LiveClient.open(server.ws_url)
        await client.init(an)
        await client.subscribe("theirs", NOTIFICATION_RECEIVED.replace("readAt", ""))
        refused = await client.receive()
        assert [e["extensions"]["code"] for e in _errors(refused)] == ["OPERATION_NOT_ALLOWED"]

        await client.subscribe("ours", shipped)
        assert await client.quiet(1.0) == []  # accepted: waiting for events
        await client.close()


def _errors(message: dict[str, Any]) -> list[dict[str, Any]]:
    payload = message["payload"]
    found: list[dict[str, Any]] = payload if isinstance(payload, list) else payload["errors"]
    return found

"""Traffic incidents, live: sockets near a point get each incident operators create, update
and close within their radius, and nothing farther; one that moves away reaches the sockets it
left once more and the sockets it reaches from then on; no sign-in is needed."""

from __future__ import annotations

import json
from typing import Any

from backend.graphql_api.persisted import MANIFEST
from tests.live.test_subscriptions import signed_in
from tests.support.graphql import only_error
from tests.support.live import ApiProcess, LiveClient, listening
from tests.support.sessions import token
from tests.traffic.conftest import QUOC_HOC, STAFF, ok, send

INCIDENT_CHANGED = next(
    o["body"]
    for o in json.loads(MANIFEST.read_text())["operations"]
    if o["name"] == "TrafficIncidentChanged"
)
# On Lê Lợi 200 m east of Quốc Học, and on Điện Biên Phủ 3 km south-east of it.
LE_LOI = {"latitude": 16.4650, "longitude": 107.5880}
SOUTH = {"latitude": 16.4400, "longitude": 107.6000}


async def changed(client: LiveClient, name: str) -> dict[str, Any]:
    message = await client.receive(within=30)
    assert (message["id"], message["type"]) == (name, "next"), message
    found: dict[str, Any] = message["payload"]["data"]["trafficIncidentChanged"]
    return found


def _spot(incident: dict[str, Any]) -> dict[str, float]:
    return {name: incident["location"][name] for name in ("latitude", "longitude")}


def _incident(spot: dict[str, float], **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "type": "ROADWORKS",
            "cause": "CONSTRUCTION",
            "effect": "REDUCED_SERVICE",
            "path": [spot],
            "descriptionVi": "Thi công cống thoát nước.",
            "descriptionEn": "Drain works.",
            **extra,
        }
    }


async def test_incidents_reach_the_sockets_within_their_radius(
    seeded: Any, server: ApiProcess
) -> None:
    near = await signed_in(server, None)
    await near.subscribe("near", INCIDENT_CHANGED, {"near": QUOC_HOC, "radiusMeters": 1000})
    south = await signed_in(server, None)
    await south.subscribe("south", INCIDENT_CHANGED, {"near": SOUTH, "radiusMeters": 500})
    floods = await signed_in(server, None)
    await floods.subscribe(
        "floods", INCIDENT_CHANGED, {"near": QUOC_HOC, "types": ["FLOODED_ROAD"]}
    )
    await listening(server, 3)
    operator = await token(seeded, STAFF)

    created = (await ok(seeded, "CreateTrafficIncident", _incident(LE_LOI), token=operator))[
        "createTrafficIncident"
    ]
    got = await changed(near, "near")
    assert (got["id"], got["type"], got["active"]) == (created["id"], "ROADWORKS", True)
    assert got["description"] == "Thi công cống thoát nước."

    def update(**changes: Any) -> dict[str, Any]:
        return {"input": {"id": created["id"], **changes}}

    await ok(seeded, "UpdateTrafficIncident", update(severity="WARNING"), token=operator)
    assert (await changed(near, "near"))["severity"] == "WARNING"
    # Moved to Điện Biên Phủ: the socket near Quốc Học hears it one last time, the one in the
    # south from now on.
    await ok(seeded, "UpdateTrafficIncident", update(path=[SOUTH]), token=operator)
    assert _spot(await changed(near, "near")) == SOUTH
    assert _spot(await changed(south, "south")) == SOUTH
    await ok(seeded, "CloseTrafficIncident", {"input": {"id": created["id"]}}, token=operator)
    closed = await changed(south, "south")
    assert (closed["active"], closed["closedAt"] is not None) == (False, True)

    flooded = (
        await ok(
            seeded,
            "CreateTrafficIncident",
            _incident(LE_LOI, type="FLOODED_ROAD", cause="WEATHER", effect="DETOUR"),
            token=operator,
        )
    )["createTrafficIncident"]
    assert (await changed(floods, "floods"))["id"] == flooded["id"]
    assert (await changed(near, "near"))["id"] == flooded["id"]
    # Refused changes announce nothing.
    refused = await send(
        seeded, "CreateTrafficIncident", _incident(LE_LOI, path=[]), token=operator
    )
    assert only_error(refused)["extensions"]["code"] == "BAD_USER_INPUT"
    assert await near.quiet(1.0) == []
    assert await south.quiet(0.2) == []
    assert await floods.quiet(0.2) == []
    for client in (near, south, floods):
        await client.close()


async def test_a_bad_radius_or_position_is_answered_as_the_query_does(server: ApiProcess) -> None:
    client = await signed_in(server, None)
    cases = {
        "far": ({"near": {"latitude": 95.0, "longitude": 107.5}}, "near"),
        "wide": ({"near": QUOC_HOC, "radiusMeters": 60_000}, "radiusMeters"),
    }
    for name, (variables, field) in cases.items():
        await client.subscribe(name, INCIDENT_CHANGED, variables)
        refused = await client.receive()
        assert refused["type"] == "next", refused
        assert [e["extensions"] for e in refused["payload"]["errors"]] == [
            {"code": "BAD_USER_INPUT", "field": field}
        ]
        assert await client.receive() == {"id": name, "type": "complete"}
    await client.close()

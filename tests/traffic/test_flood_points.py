"""A flooded road names the flood point that reports it: operators link it (flooded roads and
flood points only), anyone sees the flood point's name and current depth on the incident, read
in one batch for a whole list; bad links are refused and change nothing."""

from __future__ import annotations

import uuid
from typing import Any

from backend.seed.demo import stable_id
from backend.seed.environment_data import AIR_STATION
from backend.traffic.models import Incident
from tests.support.graphql import only_error
from tests.support.sessions import token
from tests.traffic.conftest import (
    STAFF,
    count,
    gid,
    incident_gid,
    ok,
    road_gid,
    send,
    uuid_of,
)

# Nguyễn Hữu Cảnh in An Cựu, where the xóm Gióng flood point stands.
XOM_GIONG = {"latitude": 16.4555, "longitude": 107.6045}
BAO_VINH = {"latitude": 16.4930, "longitude": 107.5790}


def station_gid(code: str) -> str:
    return gid("Station", stable_id("env-thing", code))


def _flooded(spot: dict[str, float], **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "type": "FLOODED_ROAD",
            "cause": "WEATHER",
            "effect": "DETOUR",
            "path": [spot],
            "descriptionVi": "Ngập sâu, xe máy không đi được.",
            "descriptionEn": "Deep water, impassable for motorbikes.",
            **extra,
        }
    }


async def _create(api: Any, operator: str, variables: dict[str, Any]) -> dict[str, Any]:
    return dict(
        (await ok(api, "CreateTrafficIncident", variables, token=operator))["createTrafficIncident"]
    )


async def test_a_flooded_road_shows_its_flood_point_and_depth(seeded: Any) -> None:
    operator = await token(seeded, STAFF)
    gióng = await _create(
        seeded, operator, _flooded(XOM_GIONG, floodPointId=station_gid("NGAP-XOM-GIONG"))
    )
    point = gióng["floodPoint"]
    assert (point["id"], point["name"]) == (
        station_gid("NGAP-XOM-GIONG"),
        "Điểm ngập Nguyễn Hữu Cảnh (xóm Gióng)",
    )
    (depth,) = point["latest"]
    assert (depth["property"], depth["unit"]) == ("water_level", "m")
    await _create(seeded, operator, _flooded(BAO_VINH, floodPointId=station_gid("NGAP-BAO-VINH")))

    seeded.sql.clear()
    found = (await ok(seeded, "TrafficIncidents", {"types": ["FLOODED_ROAD"]}))["trafficIncidents"]
    statements = seeded.sql.count
    linked = {
        edge["node"]["floodPoint"]["name"]
        for edge in found["edges"]
        if edge["node"]["floodPoint"] is not None
    }
    assert linked == {"Điểm ngập Nguyễn Hữu Cảnh (xóm Gióng)", "Điểm ngập Bao Vinh"}
    # The page, then roads, flood points and their readings: one batch each for the list.
    assert statements <= 4, seeded.sql.statements
    demo = [e["node"] for e in found["edges"] if e["node"]["id"] == incident_gid("flooded-le-loi")]
    assert demo[0]["floodPoint"] is None  # the demo's flooded road names none


async def test_only_flooded_roads_name_flood_points_and_links_can_be_removed(
    seeded: Any,
) -> None:
    operator = await token(seeded, STAFF)
    before = await count(seeded, Incident)
    cases = {
        # Another type of incident.
        ("BAD_USER_INPUT", "input.floodPointId"): _flooded(
            XOM_GIONG, type="ACCIDENT", floodPointId=station_gid("NGAP-XOM-GIONG")
        ),
        # A station that is not a flood point, one that does not exist, a road's id.
        ("NOT_FOUND", "input.floodPointId"): _flooded(
            XOM_GIONG, floodPointId=station_gid(AIR_STATION)
        ),
        ("NOT_FOUND", "input.floodPointId", "unknown"): _flooded(
            XOM_GIONG, floodPointId=gid("Station", uuid.uuid4())
        ),
        ("BAD_USER_INPUT", "input.floodPointId", "road"): _flooded(
            XOM_GIONG, floodPointId=road_gid("le-loi")
        ),
    }
    for (code, field, *_), variables in cases.items():
        refused = await send(seeded, "CreateTrafficIncident", variables, token=operator)
        assert only_error(refused)["extensions"] == {"code": code, "field": field}, variables
    assert await count(seeded, Incident) == before

    created = await _create(
        seeded, operator, _flooded(XOM_GIONG, floodPointId=station_gid("NGAP-XOM-GIONG"))
    )

    async def update(**changes: Any) -> dict[str, Any]:
        variables = {"input": {"id": created["id"], **changes}}
        return await send(seeded, "UpdateTrafficIncident", variables, token=operator)

    # The water is gone but a car crashed there: the link must go first.
    refused = await update(type="ACCIDENT")
    assert only_error(refused)["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.type"}
    moved = (await update(floodPointId=station_gid("NGAP-HOANG-LANH")))["data"]
    assert moved["updateTrafficIncident"]["floodPoint"]["id"] == station_gid("NGAP-HOANG-LANH")
    unchanged = (await update(severity="WARNING"))["data"]["updateTrafficIncident"]
    assert unchanged["floodPoint"]["id"] == station_gid("NGAP-HOANG-LANH")
    crashed = (await update(type="ACCIDENT", floodPointId=None))["data"]["updateTrafficIncident"]
    assert (crashed["type"], crashed["floodPoint"]) == ("ACCIDENT", None)
    async with seeded.sessions() as session:
        stored = await session.get(Incident, uuid_of(created["id"]))
    assert stored is not None
    assert (stored.type.value, stored.flood_point_id) == ("accident", None)

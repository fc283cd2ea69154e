"""Traffic incidents: anyone lists those near a point (nearest first, lines measured to their
nearest point); operators create, update and close them, audited; a severe one alerts its
ward; everyone else is refused and nothing changes."""

from __future__ import annotations

from typing import Any

from shapely.geometry import Point
from sqlalchemy import select

from backend.db.spatial import haversine_m
from backend.traffic.models import AuditEvent, Incident
from notifications.models import Broadcast
from tests.support.graphql import only_error
from tests.support.sessions import token
from tests.traffic.conftest import (
    QUOC_HOC,
    RESIDENT,
    STAFF,
    count,
    incident_gid,
    ok,
    road_gid,
    send,
    uuid_of,
)


async def test_anyone_sees_active_incidents_nearest_first(seeded: Any) -> None:
    found = (await ok(seeded, "TrafficIncidents", {"near": QUOC_HOC, "radiusMeters": 1500}))[
        "trafficIncidents"
    ]
    names = [(edge["node"]["type"], edge["distanceMeters"]) for edge in found["edges"]]
    # The closure has not started, the festival parade is closed, the roadworks are 1.5 km off.
    assert [name for name, _ in names] == ["ACCIDENT", "CONGESTION", "FLOODED_ROAD"]
    assert names[0][1] == 0.0
    flooded = haversine_m(Point(107.5865, 16.4640), Point(107.5800, 16.4580))
    assert abs(names[2][1] - flooded) < 1.0
    # The congestion is a line: measured to its nearest point, the bridge end (16.4678, 107.5925)
    # is farther than the segment's closest point.
    end = haversine_m(Point(107.5865, 16.4640), Point(107.5925, 16.4678))
    assert 0 < names[1][1] < end
    accident = found["edges"][0]["node"]
    assert accident["cause"] == "ACCIDENT"
    assert accident["severity"] == "SEVERE"
    assert accident["source"] == "POLICE"
    assert accident["active"] is True
    assert accident["road"]["name"] == "Lê Lợi"
    assert accident["cameraUrls"] == ["https://camera.hue.gov.vn/demo/le-loi-1.jpg"]
    congestion = found["edges"][1]["node"]
    assert [(spot["latitude"], spot["longitude"]) for spot in congestion["path"]] == [
        (16.4678, 107.5925),
        (16.463, 107.5975),
    ]

    english = await seeded(
        '{{ trafficIncident(id: "{}") {{ description }} }}'.format(incident_gid("accident-le-loi")),
        language="en",
    )
    assert english["data"]["trafficIncident"]["description"].startswith("Car and motorbike")


async def test_filters_by_type_and_state_and_pages(seeded: Any) -> None:
    ended = (await ok(seeded, "TrafficIncidents", {"active": False}))["trafficIncidents"]
    assert sorted(edge["node"]["type"] for edge in ended["edges"]) == ["CLOSURE", "EVENT"]
    works = (await ok(seeded, "TrafficIncidents", {"types": ["ROADWORKS", "FLOODED_ROAD"]}))[
        "trafficIncidents"
    ]
    assert [edge["node"]["type"] for edge in works["edges"]] == ["FLOODED_ROAD", "ROADWORKS"]
    paged = """query ($after: String) { trafficIncidents(active: null, first: 4, after: $after) {
        edges { node { id } } pageInfo { hasNextPage endCursor } } }"""
    first = (await seeded(paged))["data"]["trafficIncidents"]
    rest = (await seeded(paged, {"after": first["pageInfo"]["endCursor"]}))["data"][
        "trafficIncidents"
    ]
    assert first["pageInfo"]["hasNextPage"]
    assert not rest["pageInfo"]["hasNextPage"]
    assert len(first["edges"]) + len(rest["edges"]) == 6
    too_far = await send(seeded, "TrafficIncidents", {"near": QUOC_HOC, "radiusMeters": 60000})
    assert only_error(too_far)["extensions"] == {"code": "BAD_USER_INPUT", "field": "radiusMeters"}
    node = await seeded(
        '{{ node(id: "{}") {{ ... on TrafficIncident {{ type }} }} }}'.format(
            incident_gid("event-le-loi")
        )
    )
    assert node["data"]["node"] == {"type": "EVENT"}


def _new_incident(**extra: Any) -> dict[str, Any]:
    return {
        "type": "CLOSURE",
        "cause": "POLICE_ACTIVITY",
        "effect": "DETOUR",
        "severity": "WARNING",
        "source": "POLICE",
        "roadId": road_gid("hung-vuong"),
        "path": [
            {"latitude": 16.4630, "longitude": 107.5975},
            {"latitude": 16.4590, "longitude": 107.6020},
        ],
        "descriptionVi": "Cấm đường phục vụ đoàn khách quốc tế.",
        "descriptionEn": "Closed for a state visit motorcade.",
        "cameraUrls": ["https://camera.hue.gov.vn/hung-vuong-2"],
        **extra,
    }


async def test_an_operator_creates_updates_and_closes_an_incident_audited(seeded: Any) -> None:
    operator = await token(seeded, STAFF)
    created = (
        await ok(seeded, "CreateTrafficIncident", {"input": _new_incident()}, token=operator)
    )["createTrafficIncident"]
    assert (created["type"], created["active"], created["road"]["name"]) == (
        "CLOSURE",
        True,
        "Hùng Vương",
    )
    assert len(created["path"]) == 2
    assert await count(seeded, Broadcast) == 0  # a warning alerts nobody
    updated = (
        await ok(
            seeded,
            "UpdateTrafficIncident",
            {"input": {"id": created["id"], "severity": "SEVERE"}},
            token=operator,
        )
    )["updateTrafficIncident"]
    assert updated["severity"] == "SEVERE"
    async with seeded.sessions() as session:
        alerts = list((await session.scalars(select(Broadcast))).all())
    assert [(alert.ward, alert.type, alert.urgent) for alert in alerts] == [
        ("phu-hoi", "traffic_incident.severe", True)
    ]
    assert alerts[0].data == {"incidentId": str(uuid_of(created["id"]))}
    closed = (
        await ok(seeded, "CloseTrafficIncident", {"input": {"id": created["id"]}}, token=operator)
    )["closeTrafficIncident"]
    assert closed["active"] is False
    assert closed["closedAt"] is not None
    again = await send(
        seeded, "CloseTrafficIncident", {"input": {"id": created["id"]}}, token=operator
    )
    assert only_error(again)["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.id"}
    async with seeded.sessions() as session:
        trail = (
            await session.scalars(
                select(AuditEvent.kind)
                .where(AuditEvent.subject_id == uuid_of(created["id"]))
                .order_by(AuditEvent.at, AuditEvent.kind)
            )
        ).all()
    assert list(trail) == ["incident.created", "incident.updated", "incident.closed"]


async def test_others_are_refused_and_bad_input_changes_nothing(seeded: Any) -> None:
    resident = await token(seeded, RESIDENT)
    operator = await token(seeded, STAFF)
    before = await count(seeded, Incident)
    anonymous = await send(seeded, "CreateTrafficIncident", {"input": _new_incident()})
    assert only_error(anonymous)["extensions"]["code"] == "UNAUTHENTICATED"
    refused = await send(
        seeded, "CreateTrafficIncident", {"input": _new_incident()}, token=resident
    )
    assert only_error(refused)["extensions"]["code"] == "FORBIDDEN"
    closing = await send(
        seeded,
        "CloseTrafficIncident",
        {"input": {"id": incident_gid("accident-le-loi")}},
        token=resident,
    )
    assert only_error(closing)["extensions"]["code"] == "FORBIDDEN"
    cases = {
        "input.path": {"path": []},
        "input.expectedEndAt": {
            "startsAt": "2026-11-29T10:00:00+07:00",
            "expectedEndAt": "2026-11-29T09:00:00+07:00",
        },
        "input.cameraUrls[0]": {"cameraUrls": ["javascript:alert(1)"]},
        "input.descriptionEn": {"descriptionEn": "  "},
    }
    for field, change in cases.items():
        bad = await send(
            seeded, "CreateTrafficIncident", {"input": _new_incident(**change)}, token=operator
        )
        assert only_error(bad)["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert await count(seeded, Incident) == before
    async with seeded.sessions() as session:
        accident = await session.get(Incident, uuid_of(incident_gid("accident-le-loi")))
    assert accident is not None
    assert accident.closed_at is None

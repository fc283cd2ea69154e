"""Saved routes and commutes: a signed-in citizen saves a drawn line or a list of roads, pages
and deletes them (only their own); bad input is refused with its field and changes nothing. A
severe incident created or escalated near a route is pushed to its owner once, in the route's
active hours; only a road closure goes through quiet hours."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from backend.db.types import utcnow
from backend.i18n import Locale
from backend.traffic.models import SavedRoute
from tests.support.graphql import only_error
from tests.support.sessions import token
from tests.traffic.conftest import (
    OTHER,
    PARENT,
    RESIDENT,
    STAFF,
    count,
    inbox,
    ok,
    road_gid,
    send,
    uuid_of,
)

# Along Hùng Vương, past the stretch the test incidents cover.
HUNG_VUONG = [
    {"latitude": 16.4650, "longitude": 107.5950},
    {"latitude": 16.4570, "longitude": 107.6045},
]
INCIDENT_PATH = [
    {"latitude": 16.4630, "longitude": 107.5975},
    {"latitude": 16.4590, "longitude": 107.6020},
]
FIELDS = "{ id name path { latitude longitude } roads { name } activeFrom activeTo }"


def _incident(**extra: Any) -> dict[str, Any]:
    return {
        "type": "CLOSURE",
        "cause": "POLICE_ACTIVITY",
        "effect": "DETOUR",
        "severity": "WARNING",
        "roadId": road_gid("hung-vuong"),
        "path": INCIDENT_PATH,
        "descriptionVi": "Cấm đường phục vụ đoàn khách.",
        "descriptionEn": "Closed for a motorcade.",
        **extra,
    }


async def _save(api: Any, user: str, **route: Any) -> dict[str, Any]:
    answer = await ok(api, "SaveTrafficRoute", {"input": route}, token=user)
    return dict(answer["saveTrafficRoute"])


async def _route_pushes(api: Any, phone: str) -> list[tuple[str, bool, str]]:
    return [
        (n.data["routeId"], n.urgent, n.title.get(Locale.VI))
        for n in await inbox(api, phone)
        if n.type == "traffic_route.incident"
    ]


async def test_a_citizen_saves_lists_and_deletes_routes(seeded: Any) -> None:
    resident = await token(seeded, RESIDENT)
    drawn = await _save(seeded, resident, name="Đi làm", path=HUNG_VUONG)
    assert [(p["latitude"], p["longitude"]) for p in drawn["path"]] == [
        (p["latitude"], p["longitude"]) for p in HUNG_VUONG
    ]
    assert drawn["roads"] == []
    assert (drawn["activeFrom"], drawn["activeTo"]) == (None, None)
    roads = await _save(
        seeded,
        resident,
        name="Về nhà",
        roadIds=[road_gid("dien-bien-phu"), road_gid("le-loi")],
        activeFrom="17:00:00",
        activeTo="18:30:00",
    )
    assert roads["path"] is None
    assert [road["name"] for road in roads["roads"]] == ["Điện Biên Phủ", "Lê Lợi"]
    assert (roads["activeFrom"], roads["activeTo"]) == ("17:00:00", "18:30:00")

    listed = (await ok(seeded, "MySavedTrafficRoutes", token=resident))["viewer"]
    page = listed["savedTrafficRoutes"]
    assert [edge["node"]["name"] for edge in page["edges"]] == ["Đi làm", "Về nhà"]
    assert page["pageInfo"]["hasNextPage"] is False
    other = await token(seeded, OTHER)
    theirs = (await ok(seeded, "MySavedTrafficRoutes", token=other))["viewer"]
    assert theirs["savedTrafficRoutes"]["edges"] == []
    peek = await seeded(
        "query ($id: ID!) { node(id: $id) { id } }", {"id": drawn["id"]}, token=other
    )
    assert peek["data"]["node"] is None
    refused = await send(seeded, "DeleteTrafficRoute", {"id": drawn["id"]}, token=other)
    assert only_error(refused)["extensions"] == {"code": "NOT_FOUND", "field": "id"}
    deleted = await ok(seeded, "DeleteTrafficRoute", {"id": drawn["id"]}, token=resident)
    assert deleted == {"deleteTrafficRoute": True}
    left = (await ok(seeded, "MySavedTrafficRoutes", token=resident))["viewer"]
    assert [edge["node"]["id"] for edge in left["savedTrafficRoutes"]["edges"]] == [roads["id"]]
    again = await send(seeded, "DeleteTrafficRoute", {"id": drawn["id"]}, token=resident)
    assert only_error(again)["extensions"]["code"] == "NOT_FOUND"


async def test_bad_routes_are_refused_and_change_nothing(seeded: Any) -> None:
    resident = await token(seeded, RESIDENT)
    before = await count(seeded, SavedRoute)
    cases: dict[str, tuple[str, dict[str, Any]]] = {
        "both shapes": (
            "input.path",
            {"name": "x", "path": HUNG_VUONG, "roadIds": [road_gid("le-loi")]},
        ),
        "no shape": ("input.path", {"name": "x"}),
        "one point": ("input.path", {"name": "x", "path": HUNG_VUONG[:1]}),
        "blank name": ("input.name", {"name": "   ", "path": HUNG_VUONG}),
        "long name": ("input.name", {"name": "x" * 81, "path": HUNG_VUONG}),
        "half the hours": (
            "input.activeTo",
            {"name": "x", "path": HUNG_VUONG, "activeFrom": "07:00:00"},
        ),
        "no roads": ("input.roadIds", {"name": "x", "roadIds": []}),
    }
    for case, (field, route) in cases.items():
        answer = await send(seeded, "SaveTrafficRoute", {"input": route}, token=resident)
        assert only_error(answer)["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, case
    unknown = await send(
        seeded,
        "SaveTrafficRoute",
        {"input": {"name": "x", "roadIds": [road_gid("no-such-road")]}},
        token=resident,
    )
    assert only_error(unknown)["extensions"] == {"code": "NOT_FOUND", "field": "input.roadIds[0]"}
    anonymous = await send(seeded, "SaveTrafficRoute", {"input": {"name": "x", "path": HUNG_VUONG}})
    assert only_error(anonymous)["extensions"]["code"] == "UNAUTHENTICATED"
    assert await count(seeded, SavedRoute) == before
    for index in range(20):
        await _save(seeded, resident, name=f"Tuyến {index}", path=HUNG_VUONG)
    full = await send(
        seeded, "SaveTrafficRoute", {"input": {"name": "x", "path": HUNG_VUONG}}, token=resident
    )
    assert only_error(full)["extensions"]["code"] == "CONFLICT"
    assert await count(seeded, SavedRoute) == before + 20


async def test_a_severe_incident_near_a_route_is_pushed_once(seeded: Any) -> None:
    resident, parent, other = [await token(seeded, p) for p in (RESIDENT, PARENT, OTHER)]
    near = await _save(seeded, resident, name="Đi làm", path=HUNG_VUONG)
    far = await _save(seeded, parent, name="Chợ", roadIds=[road_gid("dien-bien-phu")])
    # Travelled two to three hours from now only: not now.
    local = utcnow() + timedelta(hours=7)
    later = await _save(
        seeded,
        other,
        name="Buổi chiều",
        path=HUNG_VUONG,
        activeFrom=f"{(local.hour + 2) % 24:02d}:00:00",
        activeTo=f"{(local.hour + 3) % 24:02d}:00:00",
    )
    assert far["id"] != later["id"]
    operator = await token(seeded, STAFF)
    created = (await ok(seeded, "CreateTrafficIncident", {"input": _incident()}, token=operator))[
        "createTrafficIncident"
    ]
    assert await _route_pushes(seeded, RESIDENT) == []  # a warning is not pushed

    async def set_severity(severity: str, **more: Any) -> None:
        changes = {"id": created["id"], "severity": severity, **more}
        await ok(seeded, "UpdateTrafficIncident", {"input": changes}, token=operator)

    await set_severity("SEVERE")
    route_id = near["id"]
    pushed = await _route_pushes(seeded, RESIDENT)
    assert len(pushed) == 1
    assert pushed[0][1] is False  # a detour waits for the end of quiet hours
    assert "Đi làm" in pushed[0][2]
    assert pushed[0][0] == str(uuid_of(route_id))
    # Changed, calmed down and escalated again: still once.
    await set_severity("SEVERE", descriptionEn="Closed until noon.")
    await set_severity("WARNING")
    await set_severity("SEVERE")
    assert len(await _route_pushes(seeded, RESIDENT)) == 1
    assert await _route_pushes(seeded, PARENT) == []  # another part of town
    assert await _route_pushes(seeded, OTHER) == []  # not travelled now

    # A closure created severe on the route goes through quiet hours.
    await ok(
        seeded,
        "CreateTrafficIncident",
        {"input": _incident(severity="SEVERE", effect="NO_SERVICE")},
        token=operator,
    )
    pushed = await _route_pushes(seeded, RESIDENT)
    assert [urgent for _, urgent, _ in pushed] == [False, True]
    assert await _route_pushes(seeded, PARENT) == []


# A commute along a street running east–west north of the Citadel, and two severe line
# incidents whose vertices all lie more than a kilometre from it: one crosses it between its
# vertices (and the route's), the other stops 440 m short of it.
EAST_WEST = [
    {"latitude": 16.4700, "longitude": 107.5700},
    {"latitude": 16.4700, "longitude": 107.5900},
]
ACROSS = [
    {"latitude": 16.4600, "longitude": 107.5800},
    {"latitude": 16.4800, "longitude": 107.5800},
]
SHORT_OF_IT = [
    {"latitude": 16.4740, "longitude": 107.5850},
    {"latitude": 16.4850, "longitude": 107.5850},
]


async def test_a_long_incident_line_crossing_a_route_between_its_points_is_pushed(
    seeded: Any,
) -> None:
    resident = await token(seeded, RESIDENT)
    commute = await _save(seeded, resident, name="Qua cầu", path=EAST_WEST)
    operator = await token(seeded, STAFF)
    for path in (SHORT_OF_IT, ACROSS):
        incident = _incident(severity="SEVERE", path=path, roadId=None)
        await ok(seeded, "CreateTrafficIncident", {"input": incident}, token=operator)
    pushed = await _route_pushes(seeded, RESIDENT)
    assert [(route, title) for route, _, title in pushed] == [
        (str(uuid_of(commute["id"])), "Sự cố nghiêm trọng trên tuyến “Qua cầu”")
    ]

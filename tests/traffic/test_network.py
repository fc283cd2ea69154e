"""Traffic operators keep the road network: they add and change roads (the length computed on
the sphere) and counting stations (on their road), audited; slugs are unique and well-formed,
stations stand by their road; everyone else is refused, and refusals change nothing."""

from __future__ import annotations

import itertools
from typing import Any

from shapely.geometry import Point
from sqlalchemy import select

from backend.db.spatial import haversine_m
from backend.seed.demo import stable_id
from backend.traffic.models import AuditEvent, Road, Station
from tests.support.graphql import only_error
from tests.support.sessions import token
from tests.traffic.conftest import (
    RESIDENT,
    STAFF,
    count,
    gid,
    ok,
    road_gid,
    send,
    uuid_of,
)

# Bà Triệu, drawn from Hùng Vương south-east to the An Cựu bridge, with a bend.
BA_TRIEU = [
    {"latitude": 16.4660, "longitude": 107.6040},
    {"latitude": 16.4625, "longitude": 107.6030},
    {"latitude": 16.4590, "longitude": 107.6060},
]
BY_THE_ROAD = {"latitude": 16.4626, "longitude": 107.6052}  # ~25 m off the straightened line
OFF_THE_ROAD = {"latitude": 16.4625, "longitude": 107.6070}  # 2 km from Lê Lợi


def _length(path: list[dict[str, float]]) -> int:
    points = [Point(spot["longitude"], spot["latitude"]) for spot in path]
    return round(sum(haversine_m(a, b) for a, b in itertools.pairwise(points)))


def _road(**extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "slug": "ba-trieu",
            "nameVi": "Bà Triệu",
            "nameEn": "Ba Trieu Street",
            "path": BA_TRIEU,
            **extra,
        }
    }


def _station(road_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "slug": "ba-trieu-1",
            "nameVi": "Camera Bà Triệu 1",
            "nameEn": "Ba Trieu camera 1",
            "roadId": road_id,
            "location": BY_THE_ROAD,
            **extra,
        }
    }


async def _audit(api: Any, subject: str) -> list[tuple[str, dict[str, str]]]:
    async with api.sessions() as session:
        found = await session.execute(
            select(AuditEvent.kind, AuditEvent.detail)
            .where(AuditEvent.subject_id == uuid_of(subject))
            .order_by(AuditEvent.at, AuditEvent.kind)
        )
    return [(kind, dict(detail)) for kind, detail in found.all()]


async def test_an_operator_adds_and_changes_roads_and_stations(seeded: Any) -> None:
    operator = await token(seeded, STAFF)
    road = (await ok(seeded, "CreateRoad", _road(), token=operator))["createRoad"]
    assert (road["slug"], road["name"], road["lengthMeters"]) == (
        "ba-trieu",
        "Bà Triệu",
        _length(BA_TRIEU),
    )
    straight = BA_TRIEU[::2]
    changed = (
        await ok(
            seeded,
            "UpdateRoad",
            {"input": {"id": road["id"], "nameVi": "Đường Bà Triệu", "path": straight}},
            token=operator,
        )
    )["updateRoad"]
    assert (changed["name"], changed["lengthMeters"]) == ("Đường Bà Triệu", _length(straight))
    assert changed["lengthMeters"] < road["lengthMeters"]

    camera = (await ok(seeded, "CreateCountingStation", _station(road["id"]), token=operator))[
        "createCountingStation"
    ]
    assert (camera["slug"], camera["kind"], camera["road"]["name"]) == (
        "ba-trieu-1",
        "CAMERA",
        "Đường Bà Triệu",
    )
    spot = camera["location"]
    assert (spot["latitude"], spot["longitude"]) == (16.4626, 107.6052)
    # Moved onto Lê Lợi by Quốc Học, and become a loop.
    moved = (
        await ok(
            seeded,
            "UpdateCountingStation",
            {
                "input": {
                    "id": camera["id"],
                    "roadId": road_gid("le-loi"),
                    "location": {"latitude": 16.4641, "longitude": 107.5864},
                    "kind": "LOOP",
                }
            },
            token=operator,
        )
    )["updateCountingStation"]
    assert (moved["kind"], moved["road"]["name"]) == ("LOOP", "Lê Lợi")
    english = await seeded(
        '{{ node(id: "{}") {{ ... on CountingStation {{ name road {{ name }} }} }} }}'.format(
            camera["id"]
        ),
        language="en",
    )
    assert english["data"]["node"] == {
        "name": "Ba Trieu camera 1",
        "road": {"name": "Le Loi Street"},
    }
    assert await _audit(seeded, road["id"]) == [
        ("road.created", {}),
        ("road.updated", {"fields": "name,path"}),
    ]
    assert await _audit(seeded, camera["id"]) == [
        ("station.created", {}),
        ("station.updated", {"fields": "kind,location,road"}),
    ]


async def test_bad_roads_and_stations_are_refused_and_change_nothing(seeded: Any) -> None:
    operator = await token(seeded, STAFF)
    resident = await token(seeded, RESIDENT)
    roads, stations = await count(seeded, Road), await count(seeded, Station)
    anonymous = await send(seeded, "CreateRoad", _road())
    assert only_error(anonymous)["extensions"]["code"] == "UNAUTHENTICATED"
    for name, variables in (
        ("CreateRoad", _road()),
        ("CreateCountingStation", _station(road_gid("le-loi"))),
        ("UpdateRoad", {"input": {"id": road_gid("le-loi"), "nameVi": "Lê Lai"}}),
    ):
        refused = await send(seeded, name, variables, token=resident)
        assert only_error(refused)["extensions"]["code"] == "FORBIDDEN", name
    quoc_hoc = gid("CountingStation", stable_id("station", "le-loi-quoc-hoc"))
    cases: list[tuple[str, dict[str, Any], str, str]] = [
        ("CreateRoad", _road(slug="Bà Triệu"), "BAD_USER_INPUT", "input.slug"),
        ("CreateRoad", _road(slug="le-loi"), "CONFLICT", "input.slug"),
        ("CreateRoad", _road(path=BA_TRIEU[:1]), "BAD_USER_INPUT", "input.path"),
        ("CreateRoad", _road(nameEn=" "), "BAD_USER_INPUT", "input.nameEn"),
        (
            "UpdateRoad",
            {"input": {"id": road_gid("le-loi"), "slug": "hung-vuong"}},
            "CONFLICT",
            "input.slug",
        ),
        (
            "CreateCountingStation",
            _station(road_gid("le-loi")),
            "BAD_USER_INPUT",
            "input.location",
        ),
        (
            "CreateCountingStation",
            _station(gid("Road", stable_id("road", "nowhere"))),
            "NOT_FOUND",
            "input.roadId",
        ),
        (
            "CreateCountingStation",
            _station(
                road_gid("le-loi"),
                slug="le-loi-ga-hue",
                location={"latitude": 16.4638, "longitude": 107.5862},
            ),
            "CONFLICT",
            "input.slug",
        ),
        (
            "UpdateCountingStation",
            {"input": {"id": quoc_hoc, "location": OFF_THE_ROAD}},
            "BAD_USER_INPUT",
            "input.location",
        ),
        (
            "UpdateCountingStation",
            {"input": {"id": quoc_hoc, "slug": "le-loi-ga-hue"}},
            "CONFLICT",
            "input.slug",
        ),
        (
            "UpdateCountingStation",
            {"input": {"id": road_gid("le-loi")}},
            "BAD_USER_INPUT",
            "input.id",
        ),
    ]
    for name, variables, code, field in cases:
        refused = await send(seeded, name, variables, token=operator)
        assert only_error(refused)["extensions"] == {"code": code, "field": field}, variables
    assert (await count(seeded, Road), await count(seeded, Station)) == (roads, stations)
    async with seeded.sessions() as session:
        le_loi = await session.get(Road, stable_id("road", "le-loi"))
        station = await session.get(Station, stable_id("station", "le-loi-quoc-hoc"))
    assert le_loi is not None
    assert station is not None
    assert (le_loi.slug, le_loi.name.texts["vi"]) == ("le-loi", "Lê Lợi")
    assert (station.slug, station.location) == ("le-loi-quoc-hoc", Point(107.5862, 16.4638))

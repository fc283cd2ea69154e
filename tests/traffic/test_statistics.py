"""Statistics for planners, checked against values computed by hand on a small fixture (the 85th
percentile included) on both databases; readings re-sent change nothing; CSV exports; the
operations-centre summary; nobody without the role reads any of it."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from shapely.geometry import Point

from backend.db.aggregates import percentile_of
from backend.db.types import utcnow
from backend.i18n import Translated
from backend.seed.demo import stable_id
from backend.traffic.feed import create_key
from backend.traffic.models import Station, StationKind
from tests.support.graphql import only_error
from tests.support.sessions import token
from tests.traffic.conftest import RESIDENT, STAFF, ok, road_gid, send

STATS = """query ($from: DateTime!, $to: DateTime!, $roadId: ID, $wardId: ID) {
  trafficStatistics(from: $from, to: $to, roadId: $roadId, wardId: $wardId) {
    roadLengthMeters
    volumeByHour { hour vehicleClass vehicles }
    speed { samples meanKmh p85Kmh }
    incidents { count perKm totalDurationMinutes meanDurationMinutes }
  }
}"""
PERIOD = {"from": "2026-11-01T07:00:00+07:00", "to": "2026-11-01T09:00:00+07:00"}
FIXTURE = "dbp-fixture"


async def _fixture_station(api: Any) -> None:
    """A station on Điện Biên Phủ, where the demo has none."""
    async with api.sessions() as session:
        session.add(
            Station(
                id=uuid.uuid4(),
                slug=FIXTURE,
                name=Translated.of("Trạm thử", "Test station"),
                kind=StationKind.LOOP,
                road_id=stable_id("road", "dien-bien-phu"),
                ward_id=None,
                location=Point(107.5830, 16.4500),
                created_at=utcnow(),
            )
        )
        await session.commit()


async def _fixture(api: Any) -> str:
    """The Điện Biên Phủ station and its readings, through the feed."""
    await _fixture_station(api)
    services = api.app.state.services
    key = await create_key(services.sessions, services.settings.feed_secret, "counts", utcnow())

    def count(at: str, **vehicles: int) -> dict[str, Any]:
        return {"station": FIXTURE, "starts_at": at, "seconds": 900, **vehicles}

    def speed(at: str, kmh: float) -> dict[str, Any]:
        return {
            "station": FIXTURE,
            "measured_at": at,
            "vehicle_class": "motorbike",
            "speed_kmh": kmh,
        }

    body = {
        "counts": [
            count("2026-11-01T00:00:00Z", motorbike=10, car=2, truck=1),
            count("2026-11-01T00:15:00Z", motorbike=20, car=3),
            count("2026-11-01T01:00:00Z", motorbike=5, car=1, bus=1),
            count("2026-11-01T02:00:00Z", motorbike=100),  # after the period
        ],
        "speeds": [
            speed("2026-11-01T00:01:00Z", 60),
            speed("2026-11-01T00:02:00Z", 30),
            speed("2026-11-01T01:03:00Z", 50),
            speed("2026-11-01T01:04:00Z", 40),
            speed("2026-10-31T23:59:00Z", 99),  # before the period
        ],
    }
    headers = {"Authorization": f"Bearer {key}"}
    first = await api.client.post("/traffic/readings", json=body, headers=headers)
    assert first.json() == {
        "counts": {"added": 4, "updated": 0, "unchanged": 0},
        "speeds": {"added": 5, "updated": 0, "unchanged": 0},
    }
    again = await api.client.post("/traffic/readings", json=body, headers=headers)
    assert again.json() == {
        "counts": {"added": 0, "updated": 0, "unchanged": 4},
        "speeds": {"added": 0, "updated": 0, "unchanged": 5},
    }
    refused = await api.client.post(
        "/traffic/readings",
        json={"counts": [count("2026-11-01T00:00:00Z", car=-1)]},
        headers=headers,
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "counts[0].car"
    return key


async def test_statistics_of_a_road_match_the_hand_computed_values(seeded: Any) -> None:
    await _fixture(seeded)
    operator = await token(seeded, STAFF)
    for start, minutes in (("2026-11-01T00:30:00Z", 60), ("2026-11-01T00:45:00Z", 30)):
        ends = {"30": "2026-11-01T01:30:00Z", "45": "2026-11-01T01:15:00Z"}[start[14:16]]
        await ok(
            seeded,
            "CreateTrafficIncident",
            {
                "input": {
                    "type": "ROADWORKS",
                    "roadId": road_gid("dien-bien-phu"),
                    "path": [{"latitude": 16.45, "longitude": 107.583}],
                    "descriptionVi": "Sửa ống nước.",
                    "descriptionEn": "Water main repair.",
                    "startsAt": start,
                    "expectedEndAt": ends,
                }
            },
            token=operator,
        )
        assert minutes in (30, 60)
    planner = await token(seeded, STAFF)
    answer = await seeded(STATS, {**PERIOD, "roadId": road_gid("dien-bien-phu")}, token=planner)
    stats = answer["data"]["trafficStatistics"]
    volumes = {(row["hour"], row["vehicleClass"]): row["vehicles"] for row in stats["volumeByHour"]}
    assert volumes == {
        ("2026-11-01T00:00:00+00:00", "MOTORBIKE"): 30,
        ("2026-11-01T00:00:00+00:00", "CAR"): 5,
        ("2026-11-01T00:00:00+00:00", "BUS"): 0,
        ("2026-11-01T00:00:00+00:00", "TRUCK"): 1,
        ("2026-11-01T00:00:00+00:00", "BICYCLE"): 0,
        ("2026-11-01T01:00:00+00:00", "MOTORBIKE"): 5,
        ("2026-11-01T01:00:00+00:00", "CAR"): 1,
        ("2026-11-01T01:00:00+00:00", "BUS"): 1,
        ("2026-11-01T01:00:00+00:00", "TRUCK"): 0,
        ("2026-11-01T01:00:00+00:00", "BICYCLE"): 0,
    }
    # Speeds 30, 40, 50, 60: mean 45; the 85th percentile sits at 0.85 × 3 = 2.55 in the sorted
    # list, 50 + 0.55 × (60 − 50) = 55.5.
    assert stats["speed"] == {"samples": 4, "meanKmh": 45.0, "p85Kmh": 55.5}
    # A whole local day is read from the kept histograms, a longer period from them and the raw
    # samples around them: all five samples, 30 40 50 60 99; 0.85 × 4 = 3.4, 60 + 0.4 × 39.
    whole_day = {"from": "2026-11-01T00:00:00+07:00", "to": "2026-11-02T00:00:00+07:00"}
    around = {"from": "2026-10-31T12:00:00Z", "to": "2026-11-02T03:30:00Z"}
    for period in (whole_day, around):
        answer = await seeded(STATS, {**period, "roadId": road_gid("dien-bien-phu")}, token=planner)
        speed = answer["data"]["trafficStatistics"]["speed"]
        assert speed["samples"] == 5
        assert abs(speed["meanKmh"] - 55.8) < 1e-9
        assert abs(speed["p85Kmh"] - 75.6) < 1e-9
    # Two incidents of 60 and 30 minutes on a road of `roadLengthMeters`.
    length = stats["roadLengthMeters"]
    expected = sum(
        haversine(a, b)
        for a, b in (
            ((16.4565, 107.5800), (16.4500, 107.5830)),
            ((16.4500, 107.5830), (16.4440, 107.5860)),
        )
    )
    assert abs(length - expected) < 1
    assert stats["incidents"] == {
        "count": 2,
        "perKm": round(2 / (length / 1000), 3),
        "totalDurationMinutes": 90.0,
        "meanDurationMinutes": 45.0,
    }

    # The CSV export gives the same tables.
    params = {**PERIOD, "roadId": road_gid("dien-bien-phu")}
    headers = {"Authorization": f"Bearer {planner}"}
    speed_csv = await seeded.client.get(
        "/traffic/statistics/speed.csv", params=params, headers=headers
    )
    assert speed_csv.status_code == 200
    assert speed_csv.headers["content-type"].startswith("text/csv")
    assert speed_csv.text == "samples,mean_kmh,p85_kmh\n4,45.00,55.50\n"
    volume_csv = await seeded.client.get(
        "/traffic/statistics/volume.csv", params=params, headers=headers
    )
    lines = volume_csv.text.splitlines()
    assert lines[0] == "hour_utc,vehicle_class,vehicles"
    assert "2026-11-01T00:00:00+00:00,motorbike,30" in lines
    assert len(lines) == 11
    incidents_csv = await seeded.client.get(
        "/traffic/statistics/incidents.csv", params=params, headers=headers
    )
    assert incidents_csv.text.splitlines()[1].startswith("2,")


async def test_speeds_read_from_bins_stay_within_a_kilometre_per_hour(seeded: Any) -> None:
    """Thirty distinct speeds from 41.0 to 50.9 km/h, ten to a bin: the mean stays exact, the
    85th percentile within 1 km/h of the exact one; a corrected sample moves both."""
    key = await _fixture(seeded)
    speeds = [41.0 + (i * 37 % 100) / 10 for i in range(30)]

    def body(values: list[float]) -> dict[str, Any]:
        return {
            "speeds": [
                {
                    "station": FIXTURE,
                    "measured_at": f"2026-11-05T01:{i:02d}:00Z",
                    "vehicle_class": "car",
                    "speed_kmh": value,
                }
                for i, value in enumerate(values)
            ]
        }

    headers = {"Authorization": f"Bearer {key}"}
    posted = await seeded.client.post("/traffic/readings", json=body(speeds), headers=headers)
    assert posted.json()["speeds"]["added"] == 30
    planner = await token(seeded, STAFF)
    periods = (
        {"from": "2026-11-05T00:00:00+07:00", "to": "2026-11-06T00:00:00+07:00"},
        {"from": "2026-11-05T00:30:00Z", "to": "2026-11-05T02:00:00Z"},
    )

    async def check(values: list[float]) -> None:
        exact = percentile_of(values, 0.85)
        assert exact is not None
        for period in periods:
            variables = {**period, "roadId": road_gid("dien-bien-phu")}
            answer = await seeded(STATS, variables, token=planner)
            speed = answer["data"]["trafficStatistics"]["speed"]
            assert speed["samples"] == len(values)
            assert speed["meanKmh"] == round(sum(values) / len(values), 2)
            assert abs(speed["p85Kmh"] - exact) < 1

    await check(speeds)
    corrected = [*speeds[:-1], 80.0]
    posted = await seeded.client.post("/traffic/readings", json=body(corrected), headers=headers)
    assert posted.json()["speeds"] == {"added": 0, "updated": 1, "unchanged": 29}
    await check(corrected)


def haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle metres on PostGIS' sphere, written out again for the check."""
    import math

    radius = 6371008.771415059
    lat1, lat2 = math.radians(a[0]), math.radians(b[0])
    dlat, dlon = lat2 - lat1, math.radians(b[1] - a[1])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(h))


async def test_the_city_and_a_ward_and_who_may_ask(seeded: Any) -> None:
    await _fixture(seeded)
    planner = await token(seeded, STAFF)
    city = (await seeded(STATS, PERIOD, token=planner))["data"]["trafficStatistics"]
    assert city["speed"]["samples"] == 4
    assert city["roadLengthMeters"] > 3000
    resident = await token(seeded, RESIDENT)
    refused = await seeded(STATS, PERIOD, token=resident)
    assert only_error(refused)["extensions"]["code"] == "FORBIDDEN"
    anonymous = await seeded(STATS, PERIOD)
    assert only_error(anonymous)["extensions"]["code"] == "UNAUTHENTICATED"
    long = await seeded(
        STATS, {"from": "2026-01-01T00:00:00Z", "to": "2026-11-01T00:00:00Z"}, token=planner
    )
    assert only_error(long)["extensions"] == {"code": "BAD_USER_INPUT", "field": "to"}
    csv = await seeded.client.get(
        "/traffic/statistics/speed.csv",
        params=PERIOD,
        headers={"Authorization": f"Bearer {resident}"},
    )
    assert csv.status_code == 403
    assert (
        await seeded.client.get("/traffic/statistics/speed.csv", params=PERIOD)
    ).status_code == 401


async def test_the_operations_centre_sees_now_and_today(seeded: Any) -> None:
    services = seeded.app.state.services
    key = await create_key(services.sessions, services.settings.feed_secret, "csgt", utcnow())
    just_now = (utcnow() - timedelta(seconds=5)).isoformat()
    record = {
        "plate": "43A-999.99",
        "plate_colour": "white",
        "vehicle_type": "car",
        "occurred_at": just_now,
        "place": "Cầu Trường Tiền",
        "offence": "Vượt đèn đỏ",
        "status": "unhandled",
        "detecting_unit": "CSGT Huế",
        "resolution_place": "Đội CSGT số 1",
        "fine_min_vnd": 18000000,
        "fine_max_vnd": 20000000,
    }
    posted = await seeded.client.post(
        "/traffic/violations",
        json={"violations": [record]},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert posted.status_code == 200
    # The interval under way counts today even in the first minutes after midnight in Huế, when
    # the demo's counts all belong to yesterday.
    await _fixture_station(seeded)
    now = utcnow()
    under_way = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    counted = await seeded.client.post(
        "/traffic/readings",
        json={
            "counts": [
                {
                    "station": FIXTURE,
                    "starts_at": under_way.isoformat(),
                    "seconds": 900,
                    "motorbike": 100_000,
                    "car": 100_000,
                }
            ]
        },
        headers={"Authorization": f"Bearer {key}"},
    )
    assert counted.status_code == 200
    operator = await token(seeded, STAFF)
    summary = (await ok(seeded, "TrafficOperationsSummary", token=operator))[
        "trafficOperationsSummary"
    ]
    assert [(row["type"], row["count"]) for row in summary["activeIncidents"]] == [
        ("ACCIDENT", 1),
        ("CONGESTION", 1),
        ("FLOODED_ROAD", 1),
        ("ROADWORKS", 1),
    ]
    assert {"offence": "Vượt đèn đỏ", "count": 1, "__typename": "OffenceCount"} in summary[
        "violationsToday"
    ]
    busiest = [row["vehicles"] for row in summary["busiestRoads"]]
    assert busiest == sorted(busiest, reverse=True)
    assert busiest[0] == 200_000
    assert summary["busiestRoads"][0]["road"]["name"] == "Điện Biên Phủ"
    resident = await token(seeded, RESIDENT)
    refused = await send(seeded, "TrafficOperationsSummary", token=resident)
    assert only_error(refused)["extensions"]["code"] == "FORBIDDEN"

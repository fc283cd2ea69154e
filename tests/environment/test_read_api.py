"""The public read API through GraphQL: stations near a place, a station's latest readings and
series (aggregated in the database), the VN_AQI near a place, the flood situation."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from statistics import fmean
from typing import Any

import pytest

from backend.environment import aqi
from backend.seed.environment import readings
from tests.environment.conftest import (
    AIR_STATION,
    HUE_CENTRE,
    KIM_LONG,
    OPERATIONS,
    issue_key,
    ok,
    post,
    station_gid,
)
from tests.support.graphql import data


async def seed_end(api: Any) -> datetime:
    """The hour the demo's readings end at (the template was seeded then)."""
    answer = await ok(api, "Station", series_vars(KIM_LONG, "water_level", hours=1))
    latest = {r["property"]: r for r in answer["station"]["latest"]}
    return datetime.fromisoformat(latest["water_level"]["time"])


def series_vars(code: str, prop: str, *, hours: int, interval: str = "HOUR") -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "id": station_gid(code),
        "property": prop,
        "from": (now - timedelta(hours=hours)).isoformat(),
        "to": (now + timedelta(minutes=1)).isoformat(),
        "interval": interval,
    }


def seeded_values(end: datetime, stream: int) -> dict[datetime, float]:
    return {r.phenomenon_time: r.result for r in readings(end) if r.datastream_id == stream}


async def test_stations_nearest_first_by_kind_and_paged(seeded: Any) -> None:
    everything = (await ok(seeded, "Stations", {"near": HUE_CENTRE}))["stations"]
    distances = [edge["distanceMeters"] for edge in everything["edges"]]
    assert len(distances) == 11
    assert distances == sorted(distances)
    assert not everything["pageInfo"]["hasNextPage"]

    gauges = await ok(seeded, "Stations", {"near": HUE_CENTRE, "kind": "RIVER_GAUGE"})
    names = [e["node"]["name"] for e in gauges["stations"]["edges"]]
    assert names == ["Trạm thủy văn Kim Long", "Trạm thủy văn Phú Ốc"]

    query = "query($after: String) { stations(first: 4, after: $after) { edges { node { code } } pageInfo { hasNextPage endCursor } } }"
    codes: list[str] = []
    after = None
    while True:
        page = data(await seeded(query, {"after": after}))["stations"]
        codes += [e["node"]["code"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert codes == sorted(codes)
    assert len(codes) == 11

    air = next(e["node"] for e in everything["edges"] if e["node"]["code"] == AIR_STATION)
    assert {r["property"] for r in air["latest"]} == {"pm25", "pm10", "o3", "co", "so2", "no2"}
    assert {r["unit"] for r in air["latest"]} == {"µg/m³"}


async def test_hourly_and_daily_series_are_aggregated_in_the_database(seeded: Any) -> None:
    end = await seed_end(seeded)
    level = seeded_values(end, 7)

    hourly = await ok(seeded, "Station", series_vars(KIM_LONG, "water_level", hours=24))
    points = hourly["station"]["series"]
    expected = sorted(
        (t, v) for t, v in level.items() if t >= datetime.now(UTC) - timedelta(hours=24)
    )
    assert [(datetime.fromisoformat(p["start"]), p["mean"], p["count"]) for p in points] == [
        (t, v, 1) for t, v in expected
    ]

    daily = await ok(
        seeded, "Station", series_vars(KIM_LONG, "water_level", hours=24 * 5, interval="DAY")
    )
    by_day: dict[datetime, list[float]] = defaultdict(list)
    since = datetime.now(UTC) - timedelta(hours=24 * 5)
    for moment, value in level.items():
        if moment >= since:
            local = moment + timedelta(hours=7)
            start = datetime(local.year, local.month, local.day, tzinfo=UTC) - timedelta(hours=7)
            by_day[start].append(value)
    got = [
        (datetime.fromisoformat(p["start"]), p["mean"], p["min"], p["max"], p["count"])
        for p in daily["station"]["series"]
    ]
    # The API rounds the mean to 3 decimals from the database's own sum: a mean at a half
    # (0.4595) may round either way against Python's, so a thousandth is allowed.
    assert got == [
        (day, pytest.approx(fmean(v), abs=1.01e-3), min(v), max(v), len(v))
        for day, v in sorted(by_day.items())
    ]


async def test_a_series_range_must_be_sane(seeded: Any) -> None:
    bad = series_vars(KIM_LONG, "water_level", hours=24 * 40)
    answer = await seeded(OPERATIONS["Station"], bad)
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert answer["errors"][0]["extensions"]["field"] == "to"
    unknown = series_vars(KIM_LONG, "pm25", hours=24)
    assert (await ok(seeded, "Station", unknown))["station"]["series"] == []


# The demo's PM2.5 now is 14–31 µg/m³ depending on the hour: good or moderate.
BAND_TEXTS = {
    ("vi", "GOOD"): ("Tốt", "Tự do thực hiện"),
    ("vi", "MODERATE"): ("Trung bình", "Tự do thực hiện"),
    ("en", "GOOD"): ("Good", "Enjoy outdoor"),
    ("en", "MODERATE"): ("Moderate", "Enjoy outdoor"),
    ("fr", "GOOD"): ("Bon", "Profitez librement"),
    ("fr", "MODERATE"): ("Moyen", "Profitez librement"),
    ("ja", "GOOD"): ("良い", "屋外活動は自由に"),
    ("ja", "MODERATE"): ("普通", "屋外活動は自由に"),
}


@pytest.mark.parametrize("language", ["vi", "en", "fr", "ja"])
async def test_air_quality_is_the_vn_aqi_of_the_nearest_station(seeded: Any, language: str) -> None:
    end = await seed_end(seeded)
    series = {s: seeded_values(end, s) for s in (1, 2, 3, 4, 5, 6)}

    def last12(stream: int) -> list[float | None]:
        return [series[stream].get(end - timedelta(hours=i)) for i in range(12)]

    expected = aqi.hourly_index(
        pm25=last12(1),
        pm10=last12(2),
        o3=series[3][end],
        co=series[4][end],
        so2=series[5][end],
        no2=series[6][end],
    )
    assert expected is not None
    answer = await seeded(OPERATIONS["AirQuality"], {"near": HUE_CENTRE}, language=language)
    found = data(answer)["airQuality"]
    assert found["indexName"] == "VN_AQI"
    assert found["value"] == expected.value
    assert found["measuredAt"] == end.isoformat()
    assert found["station"]["code"] == AIR_STATION
    band = expected.band
    assert found["band"]["code"] == band.band.name
    assert found["band"]["colour"] == band.hex
    name, advice = BAND_TEXTS[(language, band.band.name)]
    assert found["band"]["name"] == name
    assert found["band"]["adviceGeneral"].startswith(advice)
    # The decision's text is Vietnamese; French and Japanese are machine translations, said so.
    assert found["band"]["adviceLanguage"] == language.upper()
    assert found["band"]["adviceMachineTranslated"] is (language in ("fr", "ja"))
    highest = [p for p in found["pollutants"] if p["highest"]]
    assert [p["subIndex"] for p in highest] == [expected.value]
    assert highest[0]["pollutant"] == expected.dominant.name


async def test_flood_situation_gives_levels_trends_alarms_reservoirs_and_streets(
    seeded: Any,
) -> None:
    found = (await ok(seeded, "FloodSituation"))["floodSituation"]
    gauges = {g["station"]["code"]: g for g in found["gauges"]}
    kim_long = gauges[KIM_LONG]
    assert kim_long["level"]["value"] == pytest.approx(1.35, abs=0.1)
    assert (kim_long["alarmLevel"], kim_long["trend"]) == (1, "RISING")
    assert kim_long["alarmLevels"] == [1.0, 2.0, 3.5]
    assert gauges["TV-PHU-OC"]["alarmLevels"] == [1.5, 3.0, 4.5]
    reservoirs = {r["station"]["code"]: r for r in found["reservoirs"]}
    assert {code: r["normalLevel"] for code, r in reservoirs.items()} == {
        "HO-HUONG-DIEN": 58.0,
        "HO-BINH-DIEN": 85.0,
        "HO-TA-TRACH": 45.0,
    }
    binh_dien = reservoirs["HO-BINH-DIEN"]
    assert (binh_dien["level"]["value"], binh_dien["inflow"]["value"]) == (80.5, 278.0)
    assert binh_dien["inflow"]["unit"] == "m³/s"
    # Ordered to release 500–900 m³/s (the order of 16 Oct 2025), from two hours after it was issued.
    order = binh_dien["releaseOrder"]
    assert (order["flowMin"], order["flowMax"]) == (500.0, 900.0)
    issued, starts = (datetime.fromisoformat(order[k]) for k in ("issuedAt", "startsAt"))
    assert starts - issued == timedelta(hours=3)
    assert reservoirs["HO-TA-TRACH"]["releaseOrder"] is None
    streets = {p["station"]["code"]: p["depth"]["value"] for p in found["floodPoints"]}
    assert streets == {"NGAP-XOM-GIONG": 0.3, "NGAP-BAO-VINH": 0.2}


async def test_a_reading_posted_by_the_gauge_moves_the_alarm_level(seeded: Any) -> None:
    key = await issue_key(seeded, KIM_LONG)
    moment = datetime.now(UTC).replace(microsecond=0)
    rows = [
        {"datastream": 7, "phenomenonTime": moment.isoformat(), "result": 2.4},
        # Out of range: kept, shown flagged on the station, never used for the situation.
        {"datastream": 8, "phenomenonTime": moment.isoformat(), "result": 999.0},
    ]
    assert (await post(seeded, key, rows)).json()["flagged"] == 1
    answer = await seeded(OPERATIONS["FloodSituation"], {}, language="en")
    kim_long = next(
        g for g in data(answer)["floodSituation"]["gauges"] if g["station"]["code"] == KIM_LONG
    )
    assert (kim_long["alarmLevel"], kim_long["alarmLabel"]) == (2, "Alarm level II")
    assert kim_long["level"]["value"] == 2.4
    station = (await ok(seeded, "Station", series_vars(KIM_LONG, "rainfall", hours=2)))["station"]
    rain = next(r for r in station["latest"] if r["property"] == "rainfall")
    assert (rain["value"], rain["flagged"]) == (999.0, True)
    assert all(p["max"] < 999 for p in station["series"])

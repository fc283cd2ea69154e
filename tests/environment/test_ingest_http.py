"""A station posts batches of observations with its key: good rows are kept, bad rows refused
with a code, out-of-range values kept flagged, late data accepted, repeats ignored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from backend.db.types import utcnow
from backend.environment.models import LatestObservation, Observation, Quality
from tests.environment.conftest import AIR_STATION, KIM_LONG_LEVEL, PM10, PM25, issue_key, post


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


async def stored(api: Any, datastream: int, moment: datetime) -> Observation | None:
    async with api.sessions() as session:
        found: Observation | None = await session.get(Observation, (datastream, moment))
        return found


async def latest(api: Any, datastream: int) -> LatestObservation:
    async with api.sessions() as session:
        found = await session.get(LatestObservation, datastream)
        assert found is not None
        return found


async def count(api: Any) -> int:
    async with api.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Observation)) or 0)


async def test_a_batch_keeps_good_rows_and_refuses_bad_ones_with_codes(seeded: Any) -> None:
    key = await issue_key(seeded, AIR_STATION)
    now = utcnow().replace(microsecond=0)
    fresh = now + timedelta(minutes=1)
    late = now - timedelta(days=3, minutes=17)
    before = await count(seeded)
    seeded_hour = now.replace(minute=0, second=0) - timedelta(hours=1)
    rows: list[Any] = [
        {"datastream": PM25, "phenomenonTime": iso(fresh), "result": 31.5},
        {"Datastream": {"@iot.id": PM10}, "phenomenonTime": iso(late), "result": 44.0},
        {"datastream": PM25, "phenomenonTime": iso(late), "result": 5000.0},
        {"datastream": PM25, "phenomenonTime": iso(seeded_hour), "result": 1.0},
        {"datastream": KIM_LONG_LEVEL, "phenomenonTime": iso(fresh), "result": 1.0},
        {"datastream": 9999, "phenomenonTime": iso(fresh), "result": 1.0},
        {"datastream": PM25, "phenomenonTime": "2026-11-29T10:00:00", "result": 1.0},
        {"datastream": PM25, "phenomenonTime": iso(now + timedelta(hours=2)), "result": 1.0},
        {"datastream": PM25, "phenomenonTime": iso(fresh), "result": "high"},
        "not an object",
    ]

    response = await post(seeded, key, rows, language="en")

    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["duplicates"], body["flagged"]) == (3, 1, 1)
    assert [(r["index"], r["code"]) for r in body["refused"]] == [
        (4, "NOT_YOUR_DATASTREAM"),
        (5, "UNKNOWN_DATASTREAM"),
        (6, "INVALID_TIME"),
        (7, "TIME_IN_FUTURE"),
        (8, "INVALID_RESULT"),
        (9, "INVALID_ROW"),
    ]
    assert body["refused"][0]["message"] == (
        "This datastream belongs to another station than the key's."
    )
    assert await count(seeded) == before + 3
    flagged = await stored(seeded, PM25, late)
    assert flagged is not None
    assert flagged.quality is Quality.OUT_OF_RANGE
    kept_seeded = await stored(seeded, PM25, seeded_hour)
    assert kept_seeded is not None
    assert kept_seeded.result != 1.0
    # The map's latest value moved to the new reading; the late one did not move it back.
    newest = await latest(seeded, PM25)
    assert (newest.phenomenon_time, newest.result) == (fresh, 31.5)
    assert (await latest(seeded, PM10)).phenomenon_time > late


async def test_resending_a_batch_changes_nothing(seeded: Any) -> None:
    key = await issue_key(seeded, AIR_STATION)
    moment = utcnow().replace(microsecond=0)
    rows = [{"datastream": PM25, "phenomenonTime": iso(moment), "result": 12.0}]
    first = (await post(seeded, key, rows)).json()
    before = await count(seeded)
    second = (await post(seeded, key, rows)).json()
    assert (first["accepted"], second["accepted"], second["duplicates"]) == (1, 0, 1)
    assert await count(seeded) == before


async def test_unknown_or_missing_keys_are_refused_and_store_nothing(seeded: Any) -> None:
    before = await count(seeded)
    rows = [{"datastream": PM25, "phenomenonTime": iso(utcnow()), "result": 12.0}]
    for key in (None, "nonsense", "abc.def", "0123456789abcdef.wrong-secret"):
        response = await post(seeded, key, rows, language="vi")
        assert response.status_code == 401
        assert response.json()["code"] == "UNAUTHENTICATED"
    assert "khóa" in response.json()["message"]
    assert await count(seeded) == before


@pytest.mark.parametrize("settings_overrides", [{"STATION_KEY_CACHE_SECONDS": 0}])
async def test_a_rotated_key_works_until_its_overlap_ends(seeded: Any) -> None:
    rows = [{"datastream": PM25, "phenomenonTime": iso(utcnow()), "result": 12.0}]
    old = await issue_key(seeded, AIR_STATION)
    new = await issue_key(seeded, AIR_STATION, overlap=timedelta(hours=1))
    assert (await post(seeded, old, rows)).status_code == 200
    assert (await post(seeded, new, rows)).status_code == 200
    newest = await issue_key(seeded, AIR_STATION, overlap=timedelta(0))
    assert (await post(seeded, old, rows)).status_code == 401
    assert (await post(seeded, new, rows)).status_code == 401
    assert (await post(seeded, newest, rows)).status_code == 200


async def test_malformed_and_oversized_batches_are_refused_whole(seeded: Any) -> None:
    key = await issue_key(seeded, AIR_STATION)
    before = await count(seeded)
    response = await post(seeded, key, {"not": "a list"})
    assert (response.status_code, response.json()["code"]) == (400, "BAD_REQUEST")
    moment = utcnow()
    rows = [
        {"datastream": PM25, "phenomenonTime": iso(moment - timedelta(seconds=i)), "result": 1}
        for i in range(1001)
    ]
    response = await post(seeded, key, rows)
    assert (response.status_code, response.json()["code"]) == (413, "BATCH_TOO_LARGE")
    assert await count(seeded) == before


async def test_only_batches_of_watched_datastreams_consult_the_threshold_rules(
    seeded: Any,
) -> None:
    # Rules watch PM2.5 (the hourly VN_AQI) and Kim Long's level, not PM10.
    key = await issue_key(seeded, AIR_STATION)
    moment = utcnow().replace(microsecond=0) - timedelta(minutes=3)
    seeded.sql.clear()
    response = await post(
        seeded, key, [{"datastream": PM10, "phenomenonTime": iso(moment), "result": 30.0}]
    )
    assert response.json()["accepted"] == 1
    assert not [s for s in seeded.sql.statements if s.startswith("SELECT env_threshold_rules")]

    seeded.sql.clear()
    response = await post(
        seeded, key, [{"datastream": PM25, "phenomenonTime": iso(moment), "result": 20.0}]
    )
    assert response.json()["accepted"] == 1
    assert [s for s in seeded.sql.statements if s.startswith("SELECT env_threshold_rules")]

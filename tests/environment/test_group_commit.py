"""Batches that stations post at the same time are committed together, and each station still
gets its own answer; a batch the database refuses does not sink the others, a group whose
commit fails reports nothing as stored, and readings already stored (or sent twice in one
group) count as duplicates of the batch that sent them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.environment.models import LatestObservation, Observation, Quality
from backend.environment.repository import observations
from backend.environment.repository.observations import Checked
from tests.environment.conftest import (
    AIR_STATION,
    KIM_LONG,
    KIM_LONG_LEVEL,
    PM10,
    PM25,
    issue_key,
    post,
)

# A group is written once it holds 6 readings (three batches of two good rows each): the
# three requests below are always one group, however the machine schedules them.
GROUP_OF_THREE = {"INGEST_GROUP_MAX_ROWS": 6, "INGEST_GROUP_MAX_DELAY_MS": 60_000}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


async def rows_at(api: Any, moments: list[datetime]) -> list[tuple[int, datetime, float]]:
    async with api.sessions() as session:
        found = await session.execute(
            select(Observation.datastream_id, Observation.phenomenon_time, Observation.result)
            .where(Observation.phenomenon_time.in_(moments))
            .order_by(Observation.datastream_id, Observation.phenomenon_time)
        )
        return [(d, t.astimezone(UTC), r) for d, t, r in found]


async def execute(api: Any, *statements: str) -> None:
    async with api.sessions() as session:
        for statement in statements:
            await session.execute(text(statement))
        await session.commit()


Batches = list[tuple[str, list[Any]]]


async def three_batches(
    api: Any, bad: float | None = None
) -> tuple[list[Any], list[datetime], Batches]:
    """Two stations' three batches posted at once (two good rows and one refused each); `bad`
    is the result of the second batch's newest reading. Returns the answers, the readings' times
    (newer than any stored, so they move the latest values) and the batches."""
    air, kim_long = await issue_key(api, AIR_STATION), await issue_key(api, KIM_LONG)
    base = utcnow().replace(microsecond=0) + timedelta(minutes=1)
    moments = [base + timedelta(seconds=s) for s in range(6)]
    batches: Batches = [
        (
            air,
            [
                {"datastream": PM25, "phenomenonTime": iso(moments[0]), "result": 12.0},
                {"datastream": PM25, "phenomenonTime": iso(moments[1]), "result": 13.0},
                {"datastream": PM25, "phenomenonTime": "yesterday", "result": 1.0},
            ],
        ),
        (
            kim_long,
            [
                {"datastream": KIM_LONG_LEVEL, "phenomenonTime": iso(moments[2]), "result": 1.1},
                {
                    "datastream": KIM_LONG_LEVEL,
                    "phenomenonTime": iso(moments[3]),
                    "result": 1.2 if bad is None else bad,
                },
                {"datastream": PM25, "phenomenonTime": iso(moments[3]), "result": 1.0},
            ],
        ),
        (
            air,
            [
                {"datastream": PM10, "phenomenonTime": iso(moments[4]), "result": 40.0},
                {"datastream": PM10, "phenomenonTime": iso(moments[5]), "result": 41.0},
                {"datastream": PM10, "phenomenonTime": iso(moments[5]), "result": "x"},
            ],
        ),
    ]
    answers = await asyncio.gather(*(post(api, key, body, language="en") for key, body in batches))
    return list(answers), moments, batches


@pytest.mark.parametrize("settings_overrides", [GROUP_OF_THREE])
async def test_batches_posted_together_are_committed_together_and_each_gets_its_answer(
    seeded: Any, dialect: str
) -> None:
    answers, moments, batches = await three_batches(seeded)

    assert [a.status_code for a in answers] == [200, 200, 200]
    bodies = [a.json() for a in answers]
    assert [(b["accepted"], b["duplicates"], b["flagged"]) for b in bodies] == [(2, 0, 0)] * 3
    assert [[(r["index"], r["code"]) for r in b["refused"]] for b in bodies] == [
        [(2, "INVALID_TIME")],
        [(2, "NOT_YOUR_DATASTREAM")],
        [(2, "INVALID_RESULT")],
    ]
    assert [(d, t) for d, t, _ in await rows_at(seeded, moments)] == [
        (PM25, moments[0]),
        (PM25, moments[1]),
        (PM10, moments[4]),
        (PM10, moments[5]),
        (KIM_LONG_LEVEL, moments[2]),
        (KIM_LONG_LEVEL, moments[3]),
    ]
    if dialect == "postgresql":
        # One transaction wrote all three batches.
        async with seeded.sessions() as session:
            writers = await session.scalars(
                text(
                    "SELECT DISTINCT xmin::text FROM env_observations WHERE phenomenon_time >= :t"
                ),
                {"t": moments[0]},
            )
            assert len(list(writers)) == 1

    # Sent again together: every row is a duplicate, nothing stored twice.
    again = await asyncio.gather(*(post(seeded, key, body) for key, body in batches))
    assert [(a.json()["accepted"], a.json()["duplicates"]) for a in again] == [(0, 2)] * 3
    assert len(await rows_at(seeded, moments)) == 6


@pytest.mark.parametrize("settings_overrides", [GROUP_OF_THREE])
async def test_a_batch_the_database_refuses_does_not_sink_the_others(
    seeded: Any, dialect: str
) -> None:
    # The database refuses one reading (as a constraint of its own would).
    if dialect == "postgresql":
        await execute(
            seeded,
            "CREATE FUNCTION refuse_666() RETURNS trigger LANGUAGE plpgsql AS "
            "$$BEGIN RAISE EXCEPTION 'refused by the database'; END$$",
            "CREATE TRIGGER refuse_666 BEFORE INSERT ON env_observations FOR EACH ROW "
            "WHEN (NEW.result = 666) EXECUTE FUNCTION refuse_666()",
        )
    else:
        await execute(
            seeded,
            "CREATE TRIGGER refuse_666 BEFORE INSERT ON env_observations "
            "WHEN NEW.result = 666 BEGIN SELECT RAISE(ABORT, 'refused by the database'); END",
        )

    answers, moments, _ = await three_batches(seeded, bad=666.0)

    assert [a.status_code for a in answers] == [200, 503, 200]
    assert answers[1].json() == {
        "code": "STORE_FAILED",
        "message": "The readings could not be stored: none of this batch was kept; send it again.",
    }
    assert [(a.json()["accepted"], a.json()["duplicates"]) for a in (answers[0], answers[2])] == [
        (2, 0),
        (2, 0),
    ]
    # The good batches are stored, nothing of the refused one (its first row was fine too).
    assert [(d, t) for d, t, _ in await rows_at(seeded, moments)] == [
        (PM25, moments[0]),
        (PM25, moments[1]),
        (PM10, moments[4]),
        (PM10, moments[5]),
    ]


@pytest.mark.parametrize("settings_overrides", [GROUP_OF_THREE])
async def test_a_failed_commit_fails_every_batch_of_its_group(seeded: Any, dialect: str) -> None:
    if dialect != "postgresql":
        pytest.skip("a commit that fails needs a deferred trigger: PostgreSQL")
    # Checked at commit: a latest value of 777 makes the whole transaction fail there.
    await execute(
        seeded,
        "CREATE FUNCTION refuse_777() RETURNS trigger LANGUAGE plpgsql AS "
        "$$BEGIN IF NEW.result = 777 THEN RAISE EXCEPTION 'refused at commit'; END IF; "
        "RETURN NULL; END$$",
        "CREATE CONSTRAINT TRIGGER refuse_777 AFTER INSERT OR UPDATE ON env_latest_observations "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_777()",
    )
    async with seeded.sessions() as session:
        before = await session.scalar(select(func.count()).select_from(Observation))
        latest_before = await session.get(LatestObservation, PM25)
        assert latest_before is not None
        pm25_before = latest_before.phenomenon_time

    answers, moments, _ = await three_batches(seeded, bad=777.0)

    assert [a.status_code for a in answers] == [503, 503, 503]
    assert {a.json()["code"] for a in answers} == {"STORE_FAILED"}
    assert await rows_at(seeded, moments) == []
    async with seeded.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Observation)) == before
        latest = await session.get(LatestObservation, PM25)
        assert latest is not None
        assert latest.phenomenon_time == pm25_before


@pytest.mark.parametrize("settings_overrides", [GROUP_OF_THREE])
async def test_readings_already_stored_or_twice_in_a_group_count_as_duplicates(
    seeded: Any,
) -> None:
    air, kim_long = await issue_key(seeded, AIR_STATION), await issue_key(seeded, KIM_LONG)
    base = utcnow().replace(microsecond=0) + timedelta(minutes=1)
    moments = [base + timedelta(seconds=s) for s in range(5)]
    async with UnitOfWork(seeded.sessions) as uow:
        await observations.store(
            uow.session, [Checked(PM25, moments[0], 10.0, Quality.OK)], utcnow()
        )

    def row(stream: int, moment: datetime, value: float) -> dict[str, Any]:
        return {"datastream": stream, "phenomenonTime": iso(moment), "result": value}

    batches = [
        (air, [row(PM25, moments[0], 10.0), row(PM25, moments[1], 11.0)]),
        (kim_long, [row(KIM_LONG_LEVEL, moments[2], 1.0), row(KIM_LONG_LEVEL, moments[3], 1.1)]),
        (air, [row(PM25, moments[1], 11.0), row(PM10, moments[4], 40.0)]),
    ]
    answers = await asyncio.gather(*(post(seeded, key, body) for key, body in batches))

    assert [(a.json()["accepted"], a.json()["duplicates"]) for a in answers] == [
        (1, 1),
        (2, 0),
        (1, 1),
    ]
    assert len(await rows_at(seeded, moments)) == 5
    async with seeded.sessions() as session:
        latest = await session.get(LatestObservation, KIM_LONG_LEVEL)
        assert latest is not None
        assert (latest.phenomenon_time.astimezone(UTC), latest.result) == (moments[3], 1.1)

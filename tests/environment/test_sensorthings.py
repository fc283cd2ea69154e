"""The read-only SensorThings subset, read by a third-party client (FROST's Python client,
`frost-sta-client`) from the API served over a real socket, and over plain HTTP for the
options the client does not send."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import frost_sta_client as fsc
import pytest
import uvicorn
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from backend.app import create_app
from backend.environment import partitions
from backend.environment.repository.sta import observations_statement
from backend.settings import Settings
from tests.support.processes import free_port, healthy

KIM_LONG_LEVEL = 7


@pytest.fixture
def served(seeded: Any, settings: Settings) -> Iterator[str]:
    """The app on a port of its own, in a thread (it has its own engine and event loop)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not healthy(port):
        assert time.monotonic() < deadline, "the API did not start"
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}/sta/v1.1"
    server.should_exit = True
    thread.join(timeout=10)


def _utc(moment: Any) -> datetime:
    """A phenomenon time as the client gives it (text or a datetime), in UTC."""
    value = (
        datetime.fromisoformat(moment.replace("Z", "+00:00")) if isinstance(moment, str) else moment
    )
    return value.astimezone(UTC)


def read_with_frost(base: str) -> dict[str, Any]:
    service = fsc.SensorThingsService(base)
    things = list(service.things().query().top(4).list())
    kim_long = next(t for t in things if t.properties["code"] == "TV-KIM-LONG")
    streams = list(service.datastreams().query().top(5).list())
    one = service.datastreams().find(KIM_LONG_LEVEL)
    # The day before the newest reading: the demo's readings end at the hour it was seeded,
    # which may be an hour or more before now.
    newest = next(
        iter(service.observations().query().orderby("phenomenonTime", "DESC").top(1).list())
    ).phenomenon_time
    day_before = (_utc(newest) - timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%SZ")
    observations = list(
        service.observations()
        .query()
        .filter(f"phenomenonTime gt {day_before}")
        .orderby("phenomenonTime", "ASC")
        .top(7)
        .list()
    )
    return {
        "things": things,
        "kim_long": kim_long,
        "streams": streams,
        "one": one,
        "observations": observations,
    }


async def test_the_frost_client_lists_things_datastreams_and_observations_across_pages(
    served: str,
) -> None:
    found = await asyncio.to_thread(read_with_frost, served)
    codes = [t.properties["code"] for t in found["things"]]
    # Four a page, every one of the 11 stations reached by following @iot.nextLink.
    assert len(codes) == 11
    assert codes == sorted(codes)
    assert found["kim_long"].properties["alarm_2"] == 2.0
    assert [s.id for s in found["streams"]] == list(range(1, 25))
    assert found["one"].unit_of_measurement.symbol == "m"
    times = [o.phenomenon_time for o in found["observations"]]
    assert times == sorted(times)
    # All datastreams' readings of the day up to the newest, ascending, 7 a page.
    assert len(times) == 24 * 24


async def test_plain_http_navigation_filters_and_refusals(seeded: Any) -> None:
    client = seeded.client
    base = "/sta/v1.1"
    page = (await client.get(f"{base}/Datastreams({KIM_LONG_LEVEL})/Observations?$top=3")).json()
    times = [o["phenomenonTime"] for o in page["value"]]
    assert times == sorted(times, reverse=True)
    assert "$skip=3" in page["@iot.nextLink"]
    second = (await client.get(page["@iot.nextLink"])).json()
    assert second["value"][0]["phenomenonTime"] < times[-1]

    newest = datetime.fromisoformat(times[0].replace("Z", "+00:00"))
    window = f"phenomenonTime gt {(newest - timedelta(hours=2)).isoformat()} and phenomenonTime le {newest.isoformat()}"
    filtered = await client.get(
        f"{base}/Datastreams({KIM_LONG_LEVEL})/Observations",
        params={"$filter": window, "$orderby": "phenomenonTime asc"},
    )
    assert [o["phenomenonTime"] for o in filtered.json()["value"]] == list(reversed(times[:2]))

    counted = (await client.get(f"{base}/Things", params={"$count": "true", "$top": "2"})).json()
    assert counted["@iot.count"] == 11
    thing = counted["value"][0]
    navigated = (await client.get(thing["Datastreams@iot.navigationLink"])).json()
    assert navigated["value"]
    assert all(d["Thing@iot.navigationLink"] == thing["@iot.selfLink"] for d in navigated["value"])

    for query, status in (
        ("/Observations?$filter=result gt 3", 400),
        ("/Observations?$count=true", 400),
        ("/Observations?$top=5000", 400),
        ("/Observations?$expand=Datastream", 400),
        ("/Things('nope')", 404),
        ("/Datastreams(999)", 404),
    ):
        response = await client.get(base + query)
        assert response.status_code == status, query
        assert response.json()["code"] in ("BAD_REQUEST", "NOT_FOUND")


async def test_observations_by_time_read_the_time_index_of_every_partition(
    seeded: Any, dialect: str
) -> None:
    """FROST users' lesson: a page of all observations by time must not sort the history."""
    if dialect != "postgresql":
        pytest.skip("monthly partitions and query plans are PostgreSQL's")
    engine = seeded.app.state.engine
    # A month made after the migration, as ingest makes one for late data.
    await partitions.Partitions().ensure(engine, {date(2024, 1, 1)})
    end = datetime(2024, 2, 1, tzinfo=UTC)
    async with engine.begin() as connection:
        # 60,000 readings: 20 datastreams, one a minute for 50 hours of January 2024.
        await connection.execute(
            text(
                "INSERT INTO env_observations "
                "(datastream_id, phenomenon_time, result, quality, received_at) "
                "SELECT s, t, 1, 'ok', t FROM generate_series(1, 20) s, generate_series("
                "CAST(:end AS timestamptz) - interval '50 hours', "
                "CAST(:end AS timestamptz) - interval '1 minute', interval '1 minute') t"
            ),
            {"end": end},
        )
        await connection.execute(text("ANALYZE env_observations"))
        parts = set(
            await connection.scalars(
                text(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = 'env_observations'::regclass"
                )
            )
        )
        indexed = set(
            await connection.scalars(
                text(
                    "SELECT tablename FROM pg_indexes WHERE tablename LIKE 'env_observations_y%' "
                    "AND indexdef LIKE '%(phenomenon_time, datastream_id)'"
                )
            )
        )
        assert "env_observations_y2024m01" in parts
        assert indexed == parts
        for descending, filters in ((True, []), (False, [("ge", end - timedelta(hours=2))])):
            statement = observations_statement(
                datastream_id=None, time_filters=filters, descending=descending, skip=0, top=101
            )
            sql = statement.compile(
                dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
            )
            plan = "\n".join(await connection.scalars(text(f"EXPLAIN {sql}")))
            assert "env_observations_y2024m01_phenomenon_time_datastream_id_idx" in plan, plan
            assert "Sort" not in plan, plan

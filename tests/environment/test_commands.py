"""The operators' commands: issue a station key, import history from CSV, record a reservoir's
release order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from backend.cli import main as citizen
from backend.db.types import utcnow
from backend.environment.models import Observation, Quality, ReleaseOrder
from tests.environment.conftest import AIR_STATION, OPERATIONS, PM25, post
from tests.support.graphql import data


@pytest.fixture
def command_env(database_url: str, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CITIZEN_VAR_DIR", str(settings.var_dir))


async def test_an_issued_key_lets_the_station_post(
    seeded: Any, command_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await asyncio.to_thread(citizen, ["sensors", "key", AIR_STATION]) == 0
    key = capsys.readouterr().out.strip()
    rows = [{"datastream": PM25, "phenomenonTime": utcnow().isoformat(), "result": 20.0}]
    response = await post(seeded, key, rows)
    assert response.json()["accepted"] == 1
    assert await asyncio.to_thread(citizen, ["sensors", "key", "NO-SUCH"]) == 1
    assert "no station with the code NO-SUCH" in capsys.readouterr().err


async def test_history_import_reports_progress_refusals_and_is_idempotent(
    seeded: Any, command_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = datetime(2025, 6, 1, tzinfo=UTC)  # older than any partition the migration made
    lines = ["datastream,phenomenon_time,result"]
    lines += [
        f"{PM25},{(start + timedelta(hours=h)).isoformat()},{10 + h % 7}" for h in range(2500)
    ]
    lines += [f"{PM25},2025-06-01 10:00,1", "9999,2025-06-01T00:00:00+07:00,1", f"{PM25},x,1"]
    lines += [f"{PM25},2025-05-01T00:00:00+00:00,5000"]
    path = tmp_path / "history.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert await asyncio.to_thread(citizen, ["import", "observations", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "2504 rows read, 2501 stored" in out
    assert "2501 stored, 0 already there, 1 flagged out of range, 3 refused" in out
    assert err.splitlines() == [
        "line 2502: INVALID_TIME",
        "line 2503: UNKNOWN_DATASTREAM",
        "line 2504: INVALID_TIME",
    ]
    async with seeded.sessions() as session:
        first = await session.get(Observation, (PM25, start))
        flagged = await session.get(Observation, (PM25, datetime(2025, 5, 1, tzinfo=UTC)))
    assert first is not None
    assert first.result == 10
    assert flagged is not None
    assert flagged.quality is Quality.OUT_OF_RANGE

    assert await asyncio.to_thread(citizen, ["import", "observations", str(path)]) == 0
    assert "0 stored, 2501 already there" in capsys.readouterr().out


async def ok(api: Any, name: str) -> Any:
    return data(await api(OPERATIONS[name]))


async def _orders(api: Any) -> list[tuple[float, float]]:
    async with api.sessions() as session:
        found = await session.execute(
            select(ReleaseOrder.flow_min, ReleaseOrder.flow_max).order_by(ReleaseOrder.issued_at)
        )
        return [(row[0], row[1]) for row in found]


async def test_a_release_order_is_recorded_and_becomes_the_one_shown(
    seeded: Any, command_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    before = await _orders(seeded)
    order = ["--min", "1200", "--max", "1500", "--source", "Ban chỉ huy PCTT, lệnh số 12"]
    start = ["--start", "2026-11-29T22:00:00+07:00"]
    assert (
        await asyncio.to_thread(
            citizen, ["sensors", "release-order", "HO-BINH-DIEN", *order, *start]
        )
        == 0
    )
    assert "HO-BINH-DIEN: 1200–1500 m³/s" in capsys.readouterr().out

    situation = (await ok(seeded, "FloodSituation"))["floodSituation"]
    shown = {r["station"]["code"]: r["releaseOrder"] for r in situation["reservoirs"]}
    assert (shown["HO-BINH-DIEN"]["flowMin"], shown["HO-BINH-DIEN"]["flowMax"]) == (1200, 1500)
    assert shown["HO-BINH-DIEN"]["source"] == "Ban chỉ huy PCTT, lệnh số 12"
    assert shown["HO-BINH-DIEN"]["startsAt"] == "2026-11-29T15:00:00+00:00"
    assert await _orders(seeded) == [*before, (1200.0, 1500.0)]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["TV-KIM-LONG", "--min", "1", "--max", "2"], "BAD_USER_INPUT station"),
        (["HO-BINH-DIEN", "--min", "900", "--max", "500"], "BAD_USER_INPUT flowMax"),
        (["HO-BINH-DIEN", "--min", "-1", "--max", "500"], "BAD_USER_INPUT flowMax"),
        (["NO-SUCH", "--min", "1", "--max", "2"], "NOT_FOUND station"),
    ],
)
async def test_a_bad_release_order_is_refused_with_its_code_and_nothing_stored(
    seeded: Any,
    command_env: None,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    expected: str,
) -> None:
    before = await _orders(seeded)
    tail = ["--start", "2026-11-29T22:00:00+07:00", "--source", "x"]
    assert await asyncio.to_thread(citizen, ["sensors", "release-order", *arguments, *tail]) == 1
    assert capsys.readouterr().err.startswith(expected)
    assert await _orders(seeded) == before


async def test_a_release_order_start_needs_an_offset(
    seeded: Any, command_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["HO-BINH-DIEN", "--min", "1", "--max", "2", "--source", "x"]
    for start in ("2026-11-29T22:00:00", "tomorrow"):
        code = await asyncio.to_thread(
            citizen, ["sensors", "release-order", *arguments, "--start", start]
        )
        assert code == 1
        assert capsys.readouterr().err.startswith("BAD_USER_INPUT startsAt")

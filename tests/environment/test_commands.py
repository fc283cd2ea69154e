"""The operators' commands: issue a station key, import history from CSV."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from backend.cli import main as citizen
from backend.db.types import utcnow
from backend.environment.models import Observation, Quality
from tests.environment.conftest import AIR_STATION, PM25, post


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

"""The demo data loads once; a second run changes nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from backend.db.base import Base
from backend.db.engine import create_session_factory
from backend.seed.demo import seed_demo
from backend.seed.hue import ACCOUNTS, PLACES, WARDS


async def _snapshot(api: Any) -> dict[str, list[tuple[Any, ...]]]:
    snapshot = {}
    async with api.sessions() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(select(table))).all()
            snapshot[table.name] = sorted(tuple(map(str, row)) for row in rows)
    return snapshot


async def test_seeding_twice_changes_nothing(api: Any) -> None:
    sessions = create_session_factory(api.app.state.engine)
    first = await seed_demo(sessions)
    before = await _snapshot(api)

    second = await seed_demo(sessions)

    assert (first["wards"], first["places"], first["users"]) == (
        len(WARDS),
        len(PLACES),
        len(ACCOUNTS),
    )
    assert first["health facilities"] > 0
    assert first["appointment slots"] > 0
    assert set(second.values()) == {0}
    assert await _snapshot(api) == before
    assert len(before["users"]) == len(ACCOUNTS)

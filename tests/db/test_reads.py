"""A request's read connection: one at a time, and a failed statement spoils nothing after it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from backend.db.reads import RequestReads


async def test_a_failed_read_leaves_the_next_one_working(api: Any) -> None:
    reads = RequestReads(api.app.state.engine)
    try:
        with pytest.raises(DBAPIError):
            async with reads.session() as session:
                await session.execute(text("SELECT * FROM no_such_table"))
        async with reads.session() as session:
            assert (await session.execute(text("SELECT 41 + 1"))).scalar_one() == 42
    finally:
        await reads.close()


async def test_concurrent_readers_take_turns_on_one_connection(api: Any) -> None:
    reads = RequestReads(api.app.state.engine)
    seen: set[int] = set()

    async def read(value: int) -> int:
        async with reads.session() as session:
            seen.add(id(await session.connection()))
            return int((await session.execute(text(f"SELECT {value}"))).scalar_one())

    try:
        assert await asyncio.gather(*(read(value) for value in range(10))) == list(range(10))
        assert len(seen) == 1
    finally:
        await reads.close()
    assert api.app.state.engine.sync_engine.pool.checkedout() == 0

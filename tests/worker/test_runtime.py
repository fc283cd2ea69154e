"""Worker threads keep one event loop each; when the worker stops, what those loops hold is
closed on them (database connections, the push gateway's HTTP pool) and the loops end."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from sqlalchemy import text

from backend.settings import Settings
from backend.worker import runtime


def test_the_shutdown_closes_every_threads_connections_on_its_own_loop(tmp_path: Path) -> None:
    settings = Settings(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'worker.db'}", CITIZEN_VAR_DIR=tmp_path
    )
    closed_on: list[asyncio.AbstractEventLoop] = []
    used: dict[str, asyncio.AbstractEventLoop] = {}

    async def close_gateway() -> None:
        closed_on.append(asyncio.get_running_loop())

    runtime.shutdown()  # loops earlier tests of this process left behind
    runtime.close_at_shutdown(close_gateway)

    def task(name: str) -> None:
        async def work(sessions: object) -> None:
            async with sessions() as session:  # type: ignore[operator]
                assert await session.scalar(text("SELECT 1")) == 1
            used[name] = asyncio.get_running_loop()

        runtime.run_with_sessions(settings, work)

    for number in range(2):  # one after the other: two first connections race on SQLite's WAL
        thread = threading.Thread(target=task, args=(f"t{number}",))
        thread.start()
        thread.join()
    try:
        runtime.shutdown()
    finally:
        runtime._closers.remove(close_gateway)

    ours = set(used.values())
    assert len(ours) == 2  # a loop per thread
    assert len(closed_on) == 2
    assert set(closed_on) == ours  # closed once on each of them
    assert all(loop.is_closed() for loop in ours)
    closed_before = len(closed_on)
    runtime.shutdown()  # a second stop has nothing left to do
    assert len(closed_on) == closed_before

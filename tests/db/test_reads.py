"""A request's read connection: one at a time, and a failed statement spoils nothing after it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from backend.db.reads import RequestReads
from backend.db.unit_of_work import UnitOfWork
from backend.identity.models import User


async def test_a_failed_read_leaves_the_next_one_working(api: Any) -> None:
    reads = RequestReads(api.app.state.services.read_connections)
    try:
        with pytest.raises(DBAPIError):
            async with reads.session() as session:
                await session.execute(text("SELECT * FROM no_such_table"))
        async with reads.session() as session:
            assert (await session.execute(text("SELECT 41 + 1"))).scalar_one() == 42
    finally:
        await reads.close()


async def test_concurrent_readers_take_turns_on_one_connection(api: Any) -> None:
    reads = RequestReads(api.app.state.services.read_connections)
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
    # Given back: kept open for the next request, and to the pool once the app closes it.
    pool = api.app.state.engine.sync_engine.pool
    assert (api.app.state.services.read_connections.idle, pool.checkedout()) == (1, 1)
    await api.app.state.services.read_connections.close()
    assert (api.app.state.services.read_connections.idle, pool.checkedout()) == (0, 0)


async def test_the_next_request_reads_on_the_kept_connection_and_sees_fresh_rows(
    seeded: Any,
) -> None:
    """A kept connection's session forgets what the last request loaded: a user renamed in
    between reads as renamed, not as the last request's copy."""
    connections = seeded.app.state.services.read_connections
    first = RequestReads(connections)
    async with first.session() as session:
        user = (await session.scalars(select(User).limit(1))).one()
        user_id, used = user.id, await session.connection()
    await first.close()
    async with UnitOfWork(seeded.sessions) as uow:
        await uow.session.execute(
            update(User).where(User.id == user_id).values(display_name="Tên mới")
        )
    second = RequestReads(connections)
    try:
        async with second.session() as session:
            again = await session.get(User, user_id)
            assert again is not None
            assert again.display_name == "Tên mới"
            assert (await session.connection()).sync_connection is used.sync_connection
    finally:
        await second.close()


async def test_only_as_many_connections_as_the_pool_size_are_kept(api: Any) -> None:
    connections = api.app.state.services.read_connections
    readers = [RequestReads(connections) for _ in range(connections.keep + 2)]
    for reads in readers:  # all at once, as concurrent requests hold them
        async with reads.session() as session:
            await session.execute(text("SELECT 1"))
    for reads in readers:
        await reads.close()
    pool = api.app.state.engine.sync_engine.pool
    assert (connections.idle, pool.checkedout()) == (connections.keep, connections.keep)


async def test_a_kept_connection_the_server_dropped_fails_one_read_and_is_replaced(
    api: Any, dialect: str
) -> None:
    if dialect != "postgresql":
        pytest.skip("a server that drops connections: PostgreSQL")
    connections = api.app.state.services.read_connections
    first, other = RequestReads(connections), RequestReads(connections)
    try:
        async with first.session() as session, other.session() as second_session:
            pids = [
                (await s.execute(text("SELECT pg_backend_pid()"))).scalar_one()
                for s in (session, second_session)
            ]
    finally:
        await first.close()
        await other.close()
    assert connections.idle == 2
    async with UnitOfWork(api.sessions) as uow:
        for pid in pids:
            await uow.session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    broken = RequestReads(connections)
    with pytest.raises(DBAPIError):
        async with broken.session() as session:
            await session.execute(text("SELECT 1"))
    await broken.close()
    # The dropped connection and the other kept one (the same server's) were let go.
    assert connections.idle == 0
    after = RequestReads(connections)
    try:
        async with after.session() as session:
            assert (await session.execute(text("SELECT 41 + 1"))).scalar_one() == 42
    finally:
        await after.close()

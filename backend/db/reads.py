"""How a request reads: one connection, taken on first use and given back at the end.

graphql-core resolves sibling fields concurrently and loaders batch per field level, so several
coroutines want to read at once; one connection must never run two statements at a time. They
take turns on a lock instead of each checking out a connection of its own: measured on a
facility search, a session per loader batch cost six round trips per checkout (ping, BEGIN and
ROLLBACK twice) for one statement. The connection runs in autocommit, so a read is one round
trip; each statement sees committed data as of its own start.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from backend.db.prepared import remember_connection


class RequestReads:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._turn = asyncio.Lock()
        self._connection: AsyncConnection | None = None
        self._session: AsyncSession | None = None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """The request's read session, for one statement or one batch at a time."""
        async with self._turn:
            if self._session is None:
                connection = await self._engine.connect()
                try:
                    await connection.execution_options(isolation_level="AUTOCOMMIT")
                    session = AsyncSession(bind=connection, autoflush=False)
                    await remember_connection(session, connection)
                except BaseException:
                    await connection.close()
                    raise
                self._connection = connection
                self._session = session
            yield self._session

    def forget(self) -> None:
        """After this request's own write committed: later reads load fresh rows, while the
        objects already handed out keep what they hold (detached, never reloaded behind the
        caller's back)."""
        if self._session is not None:
            self._session.expunge_all()

    async def release(self) -> None:
        """Give the connection back before a unit of work takes one of its own, so a request
        never holds two; the next read takes it again."""
        async with self._turn:
            await self._close()

    async def close(self) -> None:
        """Give the connection back to the pool; safe to call twice."""
        await self._close()

    async def _close(self) -> None:
        session, connection = self._session, self._connection
        self._session = self._connection = None
        if session is not None:
            await session.close()
        if connection is not None:
            await connection.close()

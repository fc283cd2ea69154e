"""How a request reads: one connection, taken on first use and given back at the end.

graphql-core resolves sibling fields concurrently and loaders batch per field level, so several
coroutines want to read at once; one connection must never run two statements at a time. They
take turns on a lock instead of each checking out a connection of its own: measured on a
facility search, a session per loader batch cost six round trips per checkout (ping, BEGIN and
ROLLBACK twice) for one statement. The connection runs in autocommit, so a read is one round
trip; each statement sees committed data as of its own start. Taking the connection and giving
it back are one hop into SQLAlchemy's synchronous core each (not one per step: five hops cost
a third of a `{ __typename }`).
"""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.util import greenlet_spawn

from backend.db.prepared import remember_connection


class RequestReads:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._turn = asyncio.Lock()
        self._session: AsyncSession | None = None
        self._connection: Connection | None = None

    def session(self) -> _Turn:
        """The request's read session, for one statement or one batch at a time."""
        return _Turn(self)

    async def _open(self) -> AsyncSession:
        if self._session is None:
            connection = await greenlet_spawn(self._connect)
            session = AsyncSession(bind=AsyncConnection(self._engine, connection), autoflush=False)
            remember_connection(session, connection)
            self._session, self._connection = session, connection
        return self._session

    def _connect(self) -> Connection:
        connection = self._engine.sync_engine.connect()
        try:
            return connection.execution_options(isolation_level="AUTOCOMMIT")
        except BaseException:
            connection.close()
            raise

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
        if session is not None and connection is not None:
            await greenlet_spawn(_close, session, connection)


class _Turn:
    """One turn on the request's connection: its lock held from enter to exit. A class rather
    than `asynccontextmanager`, whose generator and wrapper cost more than the turn itself (a
    read takes one per statement)."""

    __slots__ = ("_reads",)

    def __init__(self, reads: RequestReads) -> None:
        self._reads = reads

    async def __aenter__(self) -> AsyncSession:
        turn = self._reads._turn
        await turn.acquire()
        try:
            return await self._reads._open()
        except BaseException:
            turn.release()
            raise

    async def __aexit__(self, *_: object) -> None:
        self._reads._turn.release()


def _close(session: AsyncSession, connection: Connection) -> None:
    try:
        session.sync_session.close()
    finally:
        connection.close()

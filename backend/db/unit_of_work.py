"""One transaction per mutation; background work leaves only after the commit succeeds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any, Protocol, Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.errors import DomainError

log = logging.getLogger(__name__)

# How long a request waits for its after-commit publishing before answering anyway.
PUBLISH_WAIT_SECONDS = 0.05


class TaskSender(Protocol):
    """What a unit of work needs of Celery: `Celery.send_task`."""

    def send_task(self, name: str, args: Sequence[Any] | None = ...) -> object: ...


class UnitOfWork:
    """Owns a session and its commit. Services `flush()`; they never commit.

    `after_commit` callbacks (typically Celery `apply_async`) run once the data they refer to is
    durable, and are dropped on rollback. A callback that fails is logged, not raised: the data is
    committed, and periodic sweeps re-send whatever was not sent.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        tasks: TaskSender | None = None,
        *,
        opening: Callable[[], Awaitable[None]] | None = None,
        committed: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._sessions = sessions
        self._tasks = tasks
        self._opening = opening
        self._committed = committed
        self._callbacks: list[Callable[[], object]] = []
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is not open")
        return self._session

    def after_commit(self, callback: Callable[[], object]) -> None:
        self._callbacks.append(callback)

    def enqueue(self, task_name: str, *args: Any) -> None:
        """Send a Celery task by name once the commit succeeded (ids in, never ORM objects)."""
        tasks = self._tasks
        if tasks is None:
            raise RuntimeError("this unit of work was opened without a task sender")
        self.after_commit(lambda: tasks.send_task(task_name, args=list(args)))

    async def __aenter__(self) -> Self:
        if self._opening is not None:
            await self._opening()
        self._session = self._sessions()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if exc is None or (isinstance(exc, DomainError) and exc.keep_changes):
                await session.commit()
                await self._publish()
                await self._announce_commit()
            else:
                await session.rollback()
        finally:
            self._callbacks.clear()
            await session.close()
            self._session = None

    async def _announce_commit(self) -> None:
        if self._committed is None:
            return
        try:
            await self._committed()
        except Exception:
            log.exception("unit_of_work.committed.failed")

    async def _publish(self) -> None:
        """Run the callbacks on a thread, and wait for them only briefly: publishing to the
        broker is blocking I/O, and a broker that is down must neither stall every request of the
        process nor hold this one up. What is not sent by then is sent when it can be, or by the
        outbox sweep."""
        if not self._callbacks:
            return
        callbacks, self._callbacks = self._callbacks, []
        sending = asyncio.get_running_loop().run_in_executor(None, self._run_callbacks, callbacks)
        try:
            await asyncio.wait_for(asyncio.shield(sending), timeout=PUBLISH_WAIT_SECONDS)
        except TimeoutError:
            log.warning("unit_of_work.publish.slow", extra={"callbacks": len(callbacks)})

    @staticmethod
    def _run_callbacks(callbacks: list[Callable[[], object]]) -> None:
        for callback in callbacks:
            try:
                callback()
            except Exception:
                log.exception("unit_of_work.after_commit.failed")

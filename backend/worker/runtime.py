"""Run async domain code from Celery tasks, and the base class every bound task uses.

An async engine is bound to the event loop that created it, so each worker thread keeps one loop
and one engine for its life instead of calling `asyncio.run()` per task.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

import uvloop
from celery import Task
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backend.db.engine import create_engine, create_session_factory
from backend.settings import Settings

T = TypeVar("T")
log = logging.getLogger(__name__)
Closer = Callable[[], Awaitable[None]]


@dataclass
class _ThreadLoop:
    loop: asyncio.AbstractEventLoop
    engines: dict[str, AsyncEngine] = field(default_factory=dict)


_local = threading.local()
_loops: list[_ThreadLoop] = []  # every worker thread's, for the shutdown
_closers: list[Closer] = []
_lock = threading.Lock()


def run_with_sessions(
    settings: Settings, work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]
) -> T:
    current: _ThreadLoop | None = getattr(_local, "current", None)
    if current is None or current.loop.is_closed():
        current = _local.current = _ThreadLoop(uvloop.new_event_loop())  # cheap sockets
        with _lock:
            _loops.append(current)
    engine = current.engines.get(settings.database_url)
    if engine is None:
        engine = current.engines[settings.database_url] = create_engine(settings)
    return current.loop.run_until_complete(work(create_session_factory(engine)))


def close_at_shutdown(closer: Closer) -> None:
    """Run `closer` on every worker thread's loop when the worker stops (e.g. a push gateway
    letting go of that loop's connections)."""
    with _lock:
        _closers.append(closer)


def shutdown() -> None:
    """Close what the worker's loops hold, then the loops: connections end with a goodbye
    instead of being cut, so PostgreSQL and FCM see a clean close."""
    with _lock:
        loops, _loops[:] = list(_loops), []
        closers = list(_closers)
    for current in loops:
        if current.loop.is_closed() or current.loop.is_running():
            continue
        closing = [closer() for closer in closers]
        closing += [engine.dispose() for engine in current.engines.values()]
        for step in closing:
            try:
                current.loop.run_until_complete(step)
            except Exception:  # one failed goodbye must not keep the others from closing
                log.warning("worker.shutdown_step_failed", exc_info=True)
        current.loop.close()


class DomainTask(Task):  # type: ignore[misc]  # celery ships no type hints
    """Base of every bound task (`@shared_task(bind=True, base=DomainTask)`): typed access to
    the settings the app was made with, and async domain code run on this thread's loop."""

    @property
    def settings(self) -> Settings:
        settings: Settings = self.app.citizen_settings
        return settings

    def run_async(self, work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
        return run_with_sessions(self.settings, work)

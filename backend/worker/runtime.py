"""Run async domain code from Celery tasks, and the base class every bound task uses.

An async engine is bound to the event loop that created it, so each worker thread keeps one loop
and one engine for its life instead of calling `asyncio.run()` per task.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

import uvloop
from celery import Task
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backend.db.engine import create_engine, create_session_factory
from backend.settings import Settings

T = TypeVar("T")

_local = threading.local()


def run_with_sessions(
    settings: Settings, work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]
) -> T:
    loop: asyncio.AbstractEventLoop | None = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = uvloop.new_event_loop()  # cheaper sockets for the push sender
        _local.loop = loop
        _local.engines = {}
    engines: dict[str, AsyncEngine] = _local.engines
    engine = engines.get(settings.database_url)
    if engine is None:
        engine = engines[settings.database_url] = create_engine(settings)
    return loop.run_until_complete(work(create_session_factory(engine)))


class DomainTask(Task):  # type: ignore[misc]  # celery ships no type hints
    """Base of every bound task (`@shared_task(bind=True, base=DomainTask)`): typed access to
    the settings the app was made with, and async domain code run on this thread's loop."""

    @property
    def settings(self) -> Settings:
        settings: Settings = self.app.citizen_settings
        return settings

    def run_async(self, work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
        return run_with_sessions(self.settings, work)


def dispose_thread_engines() -> None:
    """Close this thread's connections (worker shutdown, tests)."""
    loop: asyncio.AbstractEventLoop | None = getattr(_local, "loop", None)
    if loop is None:
        return
    for engine in _local.engines.values():
        loop.run_until_complete(engine.dispose())
    _local.engines = {}
    loop.close()
    _local.loop = None

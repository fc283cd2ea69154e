"""Raising an event from domain code: queued on the unit of work, sent after its commit.

The bus is per process (installed by `create_app` and by the Celery app): domain functions get
a unit of work, not settings, and must not need to know which bus is in use.
"""

from __future__ import annotations

from collections.abc import Iterable

from backend.db.unit_of_work import UnitOfWork
from backend.live.bus import LiveBus, LocalBus
from backend.live.events import LiveEvent

_installed: list[LiveBus] = [LocalBus()]


def install(bus: LiveBus) -> None:
    """Make `bus` where this process's events go (and where its subscribers listen)."""
    _installed[0] = bus


def current_bus() -> LiveBus:
    return _installed[0]


def raise_after_commit(uow: UnitOfWork, events: Iterable[LiveEvent]) -> None:
    """Publish `events` once `uow` committed; a rollback drops them with the transaction."""
    pending = tuple(events)
    if pending:
        uow.after_commit(lambda: current_bus().publish(pending))

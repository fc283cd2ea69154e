"""Live events: what a committed change tells the app's open subscriptions.

A domain raises an event in its unit of work (`raise_after_commit`); the event leaves only once
the transaction committed, through the process's bus: Redis pub/sub when configured (so every API
process hears events raised by any process, a Celery worker's included), else in-process.
"""

from backend.live.bus import LiveBus, LocalBus, RedisBus, bus_for
from backend.live.events import LiveEvent, personal_channel, public_channel
from backend.live.publish import current_bus, install, raise_after_commit

__all__ = [
    "LiveBus",
    "LiveEvent",
    "LocalBus",
    "RedisBus",
    "bus_for",
    "current_bus",
    "install",
    "personal_channel",
    "public_channel",
    "raise_after_commit",
]

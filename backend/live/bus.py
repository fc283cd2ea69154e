"""The bus events travel on: in-process, or Redis pub/sub shared by every process.

Each process holds one Redis subscription (a pattern over every live channel) and hands each
event to the local listeners of its channel; a client's subscription is a queue here, never a
Redis connection. Publishing is blocking I/O and is called from the unit of work's after-commit
thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Protocol

import redis
import redis.asyncio as aioredis

from backend.live.events import CHANNEL_PREFIX, LiveEvent

log = logging.getLogger(__name__)

# Events waiting for one slow subscriber; past this its oldest are dropped (the app refetches
# its inbox on reconnect anyway, and one stuck socket must not hold memory without bound).
QUEUE_SIZE = 64
RECONNECT_SECONDS = 1.0


class LiveBus(Protocol):
    def publish(self, events: Sequence[LiveEvent]) -> None:
        """Send committed events; callable from any thread."""

    def listen(self, channel: str) -> AbstractAsyncContextManager[AsyncIterator[LiveEvent]]:
        """The events of one channel, from now on, while the context is open."""

    def listener_count(self) -> int: ...

    async def close(self) -> None: ...


class _Listener:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[LiveEvent] = asyncio.Queue(maxsize=QUEUE_SIZE)

    def offer(self, event: LiveEvent) -> None:
        """Queue `event` on the listener's own loop, from whatever thread delivers it."""
        with contextlib.suppress(RuntimeError):  # a closed loop: its listener is gone
            self.loop.call_soon_threadsafe(self._put, event)

    def _put(self, event: LiveEvent) -> None:
        if self.queue.full():
            self.queue.get_nowait()
            log.warning("live.listener.overflow", extra={"channel": event.channel})
        self.queue.put_nowait(event)

    async def events(self) -> AsyncIterator[LiveEvent]:
        while True:
            yield await self.queue.get()


class LocalBus:
    """Listeners of this process by channel; alone, it is the embedded mode's whole bus."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: dict[str, set[_Listener]] = {}

    def publish(self, events: Sequence[LiveEvent]) -> None:
        for event in events:
            self.deliver(event)

    def deliver(self, event: LiveEvent) -> None:
        with self._lock:
            found = tuple(self._listeners.get(event.channel, ()))
        for listener in found:
            listener.offer(event)

    @asynccontextmanager
    async def listen(self, channel: str) -> AsyncIterator[AsyncIterator[LiveEvent]]:
        listener = _Listener(asyncio.get_running_loop())
        with self._lock:
            self._listeners.setdefault(channel, set()).add(listener)
        try:
            yield listener.events()
        finally:
            with self._lock:
                remaining = self._listeners.get(channel, set())
                remaining.discard(listener)
                if not remaining:
                    self._listeners.pop(channel, None)

    def listener_count(self) -> int:
        with self._lock:
            return sum(len(found) for found in self._listeners.values())

    async def close(self) -> None:
        return None


class RedisBus:
    """Redis pub/sub: publish from any process; one pattern subscription per listening process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = LocalBus()
        self._publisher = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        self._reader: asyncio.Task[None] | None = None
        self._ready: asyncio.Event | None = None

    def publish(self, events: Sequence[LiveEvent]) -> None:
        with self._publisher.pipeline(transaction=False) as pipe:
            for event in events:
                pipe.publish(event.channel, event.encode())
            pipe.execute()

    @asynccontextmanager
    async def listen(self, channel: str) -> AsyncIterator[AsyncIterator[LiveEvent]]:
        ready = self._start_reader()
        async with self._local.listen(channel) as events:
            await ready.wait()
            yield events

    def listener_count(self) -> int:
        return self._local.listener_count()

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, RuntimeError):
                await self._reader
            self._reader = None
        self._publisher.close()

    def _start_reader(self) -> asyncio.Event:
        """The process's one subscription, started on first use in the running loop."""
        loop = asyncio.get_running_loop()
        if self._reader is None or self._reader.done() or self._reader.get_loop() is not loop:
            self._ready = asyncio.Event()
            self._reader = loop.create_task(self._read(self._ready), name="live-bus-reader")
        assert self._ready is not None
        return self._ready

    async def _read(self, ready: asyncio.Event) -> None:
        while True:
            client = aioredis.Redis.from_url(self.url, socket_connect_timeout=2)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.psubscribe(f"{CHANNEL_PREFIX}*")
                    while True:
                        message = await pubsub.get_message(timeout=None)
                        if message is not None:
                            self._handle(message, ready)
            except (redis.RedisError, OSError):
                # Events published meanwhile are lost: subscribers are a live view, and the
                # app reloads its lists when it (re)subscribes.
                log.warning("live.redis.reconnecting", exc_info=True)
                await asyncio.sleep(RECONNECT_SECONDS)
            finally:
                await client.aclose()

    def _handle(self, message: dict[str, object], ready: asyncio.Event) -> None:
        if message.get("type") == "psubscribe":
            ready.set()
            return
        if message.get("type") != "pmessage":
            return
        channel, data = message.get("channel"), message.get("data")
        if not isinstance(channel, bytes) or not isinstance(data, bytes | str):
            return
        event = LiveEvent.decode(channel.decode(), data)
        if event is not None:
            self._local.deliver(event)


def bus_for(redis_url: str | None, relay_folder: Path | None = None) -> LiveBus:
    """Redis when configured; else the machine-local relay under `relay_folder` (the embedded
    mode: API processes and `citizen up`'s worker on one machine); else this process only."""
    if redis_url:
        return RedisBus(redis_url)
    if relay_folder is not None:
        from backend.live.relay import SocketRelayBus

        return SocketRelayBus(relay_folder)
    return LocalBus()

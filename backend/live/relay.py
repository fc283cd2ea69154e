"""The embedded mode's bus between processes of one machine, without Redis: Unix datagram
sockets in a folder under var/.

Each process that has listeners binds one socket there; a publisher (an API process, the Celery
worker of `citizen up`) delivers to its own listeners and sends each batch of events to every
other socket of the folder. A socket whose process is gone refuses the datagram and is removed.
Loss is possible (a full receive buffer drops datagrams) as with Redis pub/sub: subscribers are
a live view, and the app refetches on reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from backend.live.bus import LocalBus
from backend.live.events import LiveEvent

log = logging.getLogger(__name__)

# Linux limits a socket's path to 107 bytes; a deeper var/ stays in-process only.
MAX_PATH_BYTES = 100
DATAGRAM_EVENTS = 200  # events per datagram: well under the default 208 KiB socket buffer


class SocketRelayBus:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._local = LocalBus()
        self._own: Path | None = None
        self._socket: socket.socket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def publish(self, events: Sequence[LiveEvent]) -> None:
        self._local.publish(events)
        if not self.folder.is_dir():
            return
        sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sender.setblocking(False)
        try:
            for start in range(0, len(events), DATAGRAM_EVENTS):
                datagram = _encode(events[start : start + DATAGRAM_EVENTS])
                for peer in self.folder.glob("*.sock"):
                    if peer != self._own:
                        self._send(sender, peer, datagram)
        finally:
            sender.close()

    @staticmethod
    def _send(sender: socket.socket, peer: Path, datagram: bytes) -> None:
        try:
            sender.sendto(datagram, str(peer))
        except (ConnectionRefusedError, FileNotFoundError):
            with contextlib.suppress(FileNotFoundError):
                peer.unlink()  # its process is gone
        except (BlockingIOError, OSError):
            log.warning("live.relay.dropped", extra={"peer": peer.name})

    @asynccontextmanager
    async def listen(self, channel: str) -> AsyncIterator[AsyncIterator[LiveEvent]]:
        self._bind(asyncio.get_running_loop())
        async with self._local.listen(channel) as events:
            yield events

    def listener_count(self) -> int:
        return self._local.listener_count()

    async def close(self) -> None:
        if self._socket is not None and self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(self._socket.fileno())
        if self._socket is not None:
            self._socket.close()
        if self._own is not None:
            with contextlib.suppress(FileNotFoundError):
                self._own.unlink()
        self._socket = self._own = self._loop = None

    def _bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """This process's socket, bound on first listen, read by the running loop."""
        if self._loop is loop:
            return
        if self._socket is not None and self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(self._socket.fileno())
        if self._socket is None:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            own = self.folder / f"{os.getpid()}-{uuid.uuid4().hex[:8]}.sock"
            if len(os.fsencode(own)) > MAX_PATH_BYTES:
                log.warning("live.relay.path_too_long", extra={"path": str(own)})
                self._loop = loop
                return
            receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            receiver.setblocking(False)
            receiver.bind(str(own))
            self._socket, self._own = receiver, own
        self._loop = loop
        loop.add_reader(self._socket.fileno(), self._receive)

    def _receive(self) -> None:
        assert self._socket is not None
        while True:
            try:
                datagram = self._socket.recv(256 * 1024)
            except BlockingIOError:
                return
            for event in _decode(datagram):
                self._local.deliver(event)


def _encode(events: Sequence[LiveEvent]) -> bytes:
    return json.dumps([[e.channel, e.encode()] for e in events], separators=(",", ":")).encode()


def _decode(datagram: bytes) -> list[LiveEvent]:
    try:
        pairs = json.loads(datagram)
    except ValueError:
        return []
    if not isinstance(pairs, list):
        return []
    found = (LiveEvent.decode(str(pair[0]), pair[1]) for pair in pairs if len(pair) == 2)
    return [event for event in found if event is not None]

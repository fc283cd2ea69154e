"""A `graphql-transport-ws` client for tests, on the `websockets` library, and API processes
started for them."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.support.processes import free_port, healthy

PROTOCOL = "graphql-transport-ws"
STARTUP_SECONDS = 60
# The protocol has no "subscribed" answer: a subscription starts listening a moment after its
# `subscribe` message (parse, checks, the viewer's row). Tests wait until the server's metrics
# count it, at most this long, before raising an event.
LISTENING_WITHIN_SECONDS = 30.0


@dataclass
class ApiProcess:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"


@contextmanager
def api_processes(env: dict[str, str], count: int, folder: Path) -> Iterator[list[ApiProcess]]:
    """`count` API processes (`citizen serve`) on `env`, each on its own port, healthy."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "CACHE_"))}
    started: list[ApiProcess] = []
    try:
        for number in range(count):
            port = free_port()
            log = folder / f"api-{number}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [sys.executable, "-m", "backend.cli", "serve", "--port", str(port)],
                    cwd=folder,
                    env={**base, **env},
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            started.append(ApiProcess(port, process, log))
        deadline = time.monotonic() + STARTUP_SECONDS
        for api in started:
            while not healthy(api.port):
                assert api.process.poll() is None, api.log.read_text(errors="replace")[-4000:]
                assert time.monotonic() < deadline, "the API did not start"
                time.sleep(0.2)
        yield started
    finally:
        for api in started:
            api.process.terminate()
        for api in started:
            try:
                api.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                api.process.kill()
                api.process.wait()


class LiveClient:
    """One socket speaking graphql-transport-ws."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    @classmethod
    async def open(cls, url: str) -> LiveClient:
        return cls(await connect(url, subprotocols=[PROTOCOL]))  # type: ignore[list-item]

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send(json.dumps(message))

    async def init(self, token: str | None = None, **payload: Any) -> dict[str, Any]:
        if token is not None:
            payload["Authorization"] = f"Bearer {token}"
        await self.send({"type": "connection_init", "payload": payload})
        return await self.receive()

    async def subscribe(
        self, operation_id: str, query: str, variables: dict[str, Any] | None = None
    ) -> None:
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": operation_id, "type": "subscribe", "payload": payload})

    async def receive(self, within: float = 10.0) -> dict[str, Any]:
        """The next message that is not a ping (pings are answered)."""
        while True:
            raw = await asyncio.wait_for(self.socket.recv(), within)
            message: dict[str, Any] = json.loads(raw)
            if message.get("type") == "ping":
                await self.send({"type": "pong"})
                continue
            return message

    async def quiet(self, seconds: float) -> list[dict[str, Any]]:
        """Whatever arrives within `seconds` (expected: nothing)."""
        got: list[dict[str, Any]] = []
        try:
            while True:
                got.append(await self.receive(within=seconds))
        except TimeoutError:
            return got

    async def closed_with(self, within: float = 10.0) -> int | None:
        """The close code the server sent, waiting for it."""
        try:
            async with asyncio.timeout(within):
                while True:
                    await self.socket.recv()
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        return None

    async def close(self) -> None:
        await self.socket.close()


async def listening(api: ApiProcess, subscriptions: int) -> None:
    """Wait until the API process holds `subscriptions` listening (its /metrics gauge)."""
    deadline = time.monotonic() + LISTENING_WITHIN_SECONDS
    async with httpx.AsyncClient() as http:
        while True:
            scraped = (await http.get(f"http://127.0.0.1:{api.port}/metrics")).text
            found = re.search(r"^citizen_live_subscriptions (\S+)$", scraped, re.MULTILINE)
            if found is not None and float(found.group(1)) >= subscriptions:
                return
            assert time.monotonic() < deadline, f"{subscriptions} subscriptions never listened"
            await asyncio.sleep(0.05)

"""`citizen mqtt`: subscribe to SensorThings' MQTT topics and store what stations publish.

A station publishes an Observation (or an array of them) as JSON to
`v1.1/Datastreams(<id>)/Observations`, after the optional `MQTT_TOPIC_PREFIX`. Messages are
gathered into batches (up to `MAX_BATCH`, or whatever arrived within `FLUSH_SECONDS`) and stored
in one transaction each, through the same checks as HTTP batches. Who may publish to which
datastream is the broker's to enforce (per-station accounts and topic ACLs); refused rows are
logged with their code. The subscription is shared (`$share/…`), so several processes split the
stream.

The client is gmqtt, asyncio's own: on this machine it took 9 µs of CPU per QoS 1 message where
aiomqtt (paho) took 64, which capped a subscriber at 14,000 messages a second before it had
parsed one (bench/README.md)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import gmqtt
import orjson
from gmqtt.mqtt.constants import MQTTv311
from gmqtt.mqtt.handler import MQTTConnectError

from backend.db.engine import create_engine, create_session_factory
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.environment import ingest
from backend.settings import Settings
from backend.worker.celery_app import create_celery

log = logging.getLogger(__name__)

TOPIC = re.compile(r"v1\.1/Datastreams\((\d{1,10})\)/Observations")
MAX_BATCH = 1000
FLUSH_SECONDS = 0.2
SHARE_GROUP = "citizen-hub"
RECONNECT_SECONDS = 2.0


def subscription(prefix: str) -> str:
    return f"$share/{SHARE_GROUP}/{prefix}v1.1/+/Observations"


def datastream_of(topic: str, prefix: str) -> int | None:
    if not topic.startswith(prefix):
        return None
    found = TOPIC.fullmatch(topic[len(prefix) :])
    return int(found.group(1)) if found else None


def readings_of(topic: str, payload: bytes, prefix: str) -> list[ingest.Reading | ingest.RowError]:
    """The readings of one message (an Observation or an array of them)."""
    datastream = datastream_of(topic, prefix)
    if datastream is None or not 0 < datastream < 2**31:
        return [ingest.RowError.UNKNOWN_DATASTREAM]
    try:
        body = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return [ingest.RowError.INVALID_ROW]
    rows = body if isinstance(body, list) else [body]
    return [ingest.parse_row(row, datastream) for row in rows[: ingest.MAX_BATCH]]


def broker_address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "tcp") or not parts.hostname:
        raise ValueError(f"MQTT_URL must look like mqtt://host:1883, not {url!r}")
    return parts.hostname, parts.port or 1883


def broker_account(url: str) -> tuple[str | None, str | None]:
    """The user name and password in `url` (`mqtt://user:pass@host`), if it names them."""
    parts = urlsplit(url)
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return username, password


@asynccontextmanager
async def connected(url: str, **callbacks: Callable[..., Any]) -> AsyncIterator[gmqtt.Client]:
    """A client connected to the broker in `url`, with the account it names
    (`mqtt://user:pass@host`) and these callbacks (`on_message=…`); disconnected at the end.
    A lost connection is made again every RECONNECT_SECONDS until then."""
    host, port = broker_address(url)
    client = gmqtt.Client(f"citizen-hub-{uuid.uuid4().hex[:12]}")
    client.set_config({"reconnect_delay": RECONNECT_SECONDS})
    username, password = broker_account(url)
    if username is not None:
        client.set_auth_credentials(username, password)
    for name, callback in callbacks.items():
        setattr(client, name, callback)
    await client.connect(host, port, version=MQTTv311)
    try:
        yield client
    finally:
        await client.disconnect()


@dataclass(slots=True)
class Totals:
    batches: int = 0
    report: ingest.Report = field(default_factory=ingest.Report)


async def subscribe(
    settings: Settings,
    *,
    stop: asyncio.Event,
    ready: Callable[[], None] | None = None,
) -> Totals:
    """Store what arrives until `stop` is set; returns what was stored."""
    if not settings.mqtt_url:
        raise ValueError("MQTT_URL is not set: nothing to subscribe to")
    broker_address(settings.mqtt_url)  # a malformed URL fails here, before any work
    prefix = settings.mqtt_topic_prefix
    # Messages are acknowledged to the broker on receipt, so a crash of this process already
    # loses the batch in memory (≤ FLUSH_SECONDS); not waiting for the WAL flush at commit adds
    # at most PostgreSQL's wal_writer_delay × 3 of readings on a crash of the database server,
    # and spares every batch a disk flush.
    engine = create_engine(settings, server_settings={"synchronous_commit": "off"})
    sessions = create_session_factory(engine)
    ingestor = ingest.Ingestor(engine)
    # Alerts a rule raises are delivered by the workers.
    celery = create_celery(settings)
    totals = Totals()

    async def flush(batch: list[ingest.Reading | ingest.RowError]) -> None:
        async with UnitOfWork(sessions, celery) as uow:
            report = await ingestor.ingest(uow, batch, station=None, now=utcnow())
        totals.batches += 1
        totals.report.add(report)
        for refused in report.refused:
            log.warning("environment.mqtt.refused", extra={"code": refused.code.value})
        batch.clear()

    try:
        while not stop.is_set():
            try:
                await _receive(settings.mqtt_url, prefix, stop, ready, flush)
            except (OSError, MQTTConnectError) as exc:
                # No broker yet, or it refused us: try again shortly.
                log.warning("environment.mqtt.unreachable", extra={"error": str(exc)})
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=RECONNECT_SECONDS)
    finally:
        await engine.dispose()
    return totals


async def _receive(
    url: str,
    prefix: str,
    stop: asyncio.Event,
    ready: Callable[[], None] | None,
    flush: Callable[[list[ingest.Reading | ingest.RowError]], Awaitable[None]],
) -> None:
    """Gather messages into batches until `stop`. Each (re)connection subscribes again: a
    broker that restarted has forgotten the subscription."""
    messages: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    subscribed = asyncio.Event()

    def on_connect(client: gmqtt.Client, *_: Any) -> None:
        client.subscribe(subscription(prefix), qos=1)

    def on_subscribe(*_: Any) -> None:
        subscribed.set()

    def on_message(_: gmqtt.Client, topic: str, payload: bytes, *__: Any) -> int:
        messages.put_nowait((topic, payload))
        return 0  # acknowledged on receipt (PUBACK)

    def on_disconnect(*_: Any) -> None:
        if not stop.is_set():
            log.warning("environment.mqtt.disconnected")

    async with connected(
        url,
        on_connect=on_connect,
        on_subscribe=on_subscribe,
        on_message=on_message,
        on_disconnect=on_disconnect,
    ):
        await asyncio.wait_for(subscribed.wait(), timeout=30)
        if ready is not None:
            ready()
        batch: list[ingest.Reading | ingest.RowError] = []
        loop = asyncio.get_running_loop()
        # A batch is stored at the latest FLUSH_SECONDS after its first message arrived.
        deadline = 0.0
        # The next message, awaited across timeouts: cancelling a get that has just taken a
        # message off the queue would lose it.
        incoming: asyncio.Task[tuple[str, bytes]] | None = None
        try:
            while not stop.is_set():
                if incoming is None:
                    incoming = asyncio.ensure_future(messages.get())
                wait = max(deadline - loop.time(), 0.0) if batch else 0.5
                done, _ = await asyncio.wait({incoming}, timeout=wait)
                if not done:
                    if batch:
                        await flush(batch)
                    continue
                (topic, payload), incoming = incoming.result(), None
                if not batch:
                    deadline = loop.time() + FLUSH_SECONDS
                batch.extend(readings_of(topic, payload, prefix))
                # Take what is already queued without a wait per message.
                for _ in range(min(messages.qsize(), MAX_BATCH - len(batch))):
                    batch.extend(readings_of(*messages.get_nowait(), prefix))
                if len(batch) >= MAX_BATCH or loop.time() >= deadline:
                    await flush(batch)
        finally:
            if incoming is not None:
                incoming.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await incoming
            if batch:
                await flush(batch)

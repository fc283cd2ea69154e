"""Stations publishing to SensorThings' MQTT topics, through the real Mosquitto broker: what
they publish is stored (in batches), bad messages are refused, repeats ignored."""

from __future__ import annotations

import asyncio
import getpass
import json
import socket
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import aiomqtt
import pytest
from sqlalchemy import func, select

from backend.cli import main as citizen
from backend.db.types import utcnow
from backend.environment import mqtt
from backend.environment.models import LatestObservation, Observation, RuleState, RuleTransition
from backend.seed.demo import stable_id
from backend.settings import Settings
from tests.environment.conftest import KIM_LONG_LEVEL, PM25
from tests.support.processes import free_port, start_mosquitto
from tests.support.services import unavailable

BROKER = ("127.0.0.1", 1883)


@pytest.fixture
def broker() -> None:
    try:
        socket.create_connection(BROKER, timeout=2).close()
    except OSError as exc:
        unavailable("Mosquitto", exc)


@pytest.fixture
def prefix() -> str:
    """A topic namespace of the test's own: tests in parallel never see each other's messages."""
    return f"test-{uuid.uuid4().hex[:12]}/"


@pytest.fixture
async def subscriber(
    broker: None, seeded: Any, settings: Settings, prefix: str
) -> AsyncIterator[asyncio.Task[mqtt.Totals]]:
    subscribed = asyncio.Event()
    stop = asyncio.Event()
    configured = settings.model_copy(
        update={"mqtt_url": "mqtt://127.0.0.1:1883", "mqtt_topic_prefix": prefix}
    )
    task = asyncio.create_task(mqtt.subscribe(configured, stop=stop, ready=subscribed.set))
    await asyncio.wait_for(subscribed.wait(), timeout=10)
    yield task
    stop.set()
    await asyncio.wait_for(task, timeout=10)


async def count(api: Any, datastream: int) -> int:
    async with api.sessions() as session:
        found = await session.scalar(
            select(func.count())
            .select_from(Observation)
            .where(Observation.datastream_id == datastream)
        )
        return int(found or 0)


async def eventually(check: Any, expected: Any, seconds: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        found = await check()
        if found == expected or asyncio.get_running_loop().time() > deadline:
            assert found == expected
            return
        await asyncio.sleep(0.1)


async def test_published_observations_are_stored_in_batches(
    seeded: Any, subscriber: asyncio.Task[mqtt.Totals], prefix: str
) -> None:
    before = await count(seeded, KIM_LONG_LEVEL)
    start = utcnow().replace(microsecond=0) + timedelta(seconds=1)
    async with aiomqtt.Client(*BROKER) as client:
        for i in range(300):
            body = {
                "phenomenonTime": (start + timedelta(seconds=i)).astimezone(UTC).isoformat(),
                "result": 2.0 + i / 1000,
            }
            await client.publish(
                f"{prefix}v1.1/Datastreams({KIM_LONG_LEVEL})/Observations",
                json.dumps(body),
                qos=1,
            )
        # A repeat changes nothing; a topic outside the namespace is not ours.
        repeat = {"phenomenonTime": start.isoformat(), "result": 9.9}
        await client.publish(
            f"{prefix}v1.1/Datastreams({KIM_LONG_LEVEL})/Observations", json.dumps(repeat), qos=1
        )
        await client.publish(
            f"other-{prefix}v1.1/Datastreams({KIM_LONG_LEVEL})/Observations",
            json.dumps({"phenomenonTime": (start - timedelta(hours=5)).isoformat(), "result": 1}),
            qos=1,
        )

    await eventually(lambda: count(seeded, KIM_LONG_LEVEL), before + 300)
    async with seeded.sessions() as session:
        latest = await session.get(LatestObservation, KIM_LONG_LEVEL)
        first = await session.get(Observation, (KIM_LONG_LEVEL, start))
    assert latest is not None
    assert (latest.phenomenon_time, latest.result) == (start + timedelta(seconds=299), 2.299)
    assert first is not None
    assert first.result == 2.0


async def test_a_subscriber_refuses_what_it_cannot_read(
    seeded: Any, broker: None, settings: Settings, prefix: str
) -> None:
    stop = asyncio.Event()
    subscribed = asyncio.Event()
    configured = settings.model_copy(
        update={"mqtt_url": "mqtt://127.0.0.1:1883", "mqtt_topic_prefix": prefix}
    )
    task = asyncio.create_task(mqtt.subscribe(configured, stop=stop, ready=subscribed.set))
    await asyncio.wait_for(subscribed.wait(), timeout=10)
    moment = utcnow().replace(microsecond=0)
    async with aiomqtt.Client(*BROKER) as client:
        topic = f"{prefix}v1.1/Datastreams({PM25})/Observations"
        await client.publish(topic, json.dumps({"phenomenonTime": "yesterday", "result": 1}))
        await client.publish(topic, b"{")
        await client.publish(
            f"{prefix}v1.1/Datastreams(9999)/Observations",
            json.dumps({"phenomenonTime": moment.isoformat(), "result": 1}),
        )
        batch = [
            {"phenomenonTime": (moment - timedelta(minutes=m)).isoformat(), "result": 10 + m}
            for m in (1, 2)
        ]
        await client.publish(topic, json.dumps(batch))
        await client.publish(topic, json.dumps(batch))  # a repeat
    deadline = asyncio.get_running_loop().time() + 10
    while asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.2)
        async with seeded.sessions() as session:
            if await session.get(Observation, (PM25, moment - timedelta(minutes=2))):
                break
    await asyncio.sleep(FLUSH_GRACE)
    stop.set()
    totals = await asyncio.wait_for(task, timeout=10)
    report = totals.report
    assert (report.accepted, report.duplicates) == (2, 2)
    assert sorted(r.code.value for r in report.refused) == [
        "INVALID_ROW",
        "INVALID_TIME",
        "UNKNOWN_DATASTREAM",
    ]


FLUSH_GRACE = 3 * mqtt.FLUSH_SECONDS


async def test_a_replayed_flood_raises_and_clears_the_kim_long_alert(
    seeded: Any,
    subscriber: asyncio.Task[mqtt.Totals],
    prefix: str,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MQTT_URL", "mqtt://127.0.0.1:1883")
    monkeypatch.setenv("MQTT_TOPIC_PREFIX", prefix)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CITIZEN_VAR_DIR", str(settings.var_dir))
    before = await count(seeded, KIM_LONG_LEVEL)
    assert await asyncio.to_thread(citizen, ["simulate", "flood", "--step", "0"]) == 0
    assert "432 observations published" in capsys.readouterr().out
    await eventually(lambda: count(seeded, KIM_LONG_LEVEL), before + 48)
    rule_id = stable_id("env-rule", "kim-long-alarm-2")

    async def transitions() -> list[RuleState]:
        async with seeded.sessions() as session:
            found = await session.scalars(
                select(RuleTransition.to_state)
                .where(RuleTransition.rule_id == rule_id)
                .order_by(RuleTransition.at)
            )
            return list(found)

    await eventually(transitions, [RuleState.FIRING, RuleState.CLEAR])


async def test_the_subscriber_carries_on_after_the_broker_restarts(
    broker: None, seeded: Any, settings: Settings, prefix: str, tmp_path: Path
) -> None:
    """A restarted broker has forgotten the subscription: the subscriber connects again and
    subscribes again, and what stations publish afterwards is stored."""
    port = free_port()
    config = tmp_path / "mosquitto.conf"
    config.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        f"user {getpass.getuser()}\n"
    )
    process = start_mosquitto(config, port)
    subscribed, stop = asyncio.Event(), asyncio.Event()
    configured = settings.model_copy(
        update={"mqtt_url": f"mqtt://127.0.0.1:{port}", "mqtt_topic_prefix": prefix}
    )
    task = asyncio.create_task(mqtt.subscribe(configured, stop=stop, ready=subscribed.set))
    topic = f"{prefix}v1.1/Datastreams({PM25})/Observations"
    moment = utcnow().replace(microsecond=0) - timedelta(minutes=5)
    try:
        await asyncio.wait_for(subscribed.wait(), timeout=10)
        before = await count(seeded, PM25)
        process.terminate()
        process.wait(timeout=10)
        process = start_mosquitto(config, port)
        # Published until one arrives: the subscriber is back within RECONNECT_SECONDS or so.
        deadline = asyncio.get_running_loop().time() + 15
        sent = 0
        while await count(seeded, PM25) == before:
            assert asyncio.get_running_loop().time() < deadline, "nothing stored after the restart"
            reading = {
                "phenomenonTime": (moment + timedelta(seconds=sent)).isoformat(),
                "result": 7,
            }
            async with aiomqtt.Client("127.0.0.1", port) as station:
                await station.publish(topic, json.dumps(reading), qos=1)
            sent += 1
            await asyncio.sleep(0.5)
        assert task.done() is False
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)
        process.terminate()
        process.wait(timeout=10)

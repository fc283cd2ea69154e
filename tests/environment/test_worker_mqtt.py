"""`citizen worker` with `MQTT_URL` set stores what stations publish to the real Mosquitto: its
subscriber is started with it, started again when it dies, and stopped cleanly with it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import aiomqtt
import pytest

from backend.db.types import utcnow
from backend.settings import Settings
from tests.environment.conftest import KIM_LONG_LEVEL
from tests.environment.test_mqtt import BROKER, broker, count, eventually, prefix

__all__ = ["broker", "prefix"]  # fixtures: the broker is up; a topic namespace of the test's own

REPOSITORY = Path(__file__).resolve().parents[2]


def subscribers_of(worker: int) -> list[int]:
    """The worker's `citizen mqtt` children."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == worker and command[1:4] == [b"-m", b"backend.cli", b"mqtt"]:
            found.append(int(entry.name))
    return found


def wait_until(check: Any, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while not (found := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
    return found


@pytest.fixture
def worker(
    broker: None, seeded: Any, settings: Settings, redis_url: str, prefix: str, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    log = tmp_path / "worker.log"
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "MQTT_"))},
        "DATABASE_URL": settings.database_url,
        "CELERY_BROKER_URL": redis_url,
        "CITIZEN_VAR_DIR": str(settings.var_dir),
        "MQTT_URL": "mqtt://127.0.0.1:1883",
        "MQTT_TOPIC_PREFIX": prefix,
        "PYTHONPATH": str(REPOSITORY),
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "worker", "--concurrency", "1"],
            env=environment,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


async def publish(prefix: str, seconds_ahead: int) -> None:
    moment = utcnow().replace(microsecond=0) + timedelta(seconds=seconds_ahead)
    body = {"phenomenonTime": moment.astimezone(UTC).isoformat(), "result": 1.5}
    async with aiomqtt.Client(*BROKER) as client:
        topic = f"{prefix}v1.1/Datastreams({KIM_LONG_LEVEL})/Observations"
        await client.publish(topic, json.dumps(body), qos=1)


async def test_the_worker_runs_the_mqtt_subscriber_and_stops_it_with_itself(
    seeded: Any, worker: tuple[subprocess.Popen[bytes], Path], prefix: str
) -> None:
    process, log = worker
    before = await count(seeded, KIM_LONG_LEVEL)
    [first] = wait_until(lambda: subscribers_of(process.pid), 60)
    wait_until(lambda: "subscribed to mqtt://127.0.0.1:1883" in log.read_text(errors="replace"))

    await publish(prefix, 1)
    await eventually(lambda: count(seeded, KIM_LONG_LEVEL), before + 1, seconds=20)

    # The subscriber dies: the worker starts another, which stores what comes next.
    os.kill(first, signal.SIGKILL)
    [second] = wait_until(lambda: [p for p in subscribers_of(process.pid) if p != first])
    wait_until(lambda: log.read_text(errors="replace").count("subscribed to mqtt://") == 2)
    await publish(prefix, 2)
    await eventually(lambda: count(seeded, KIM_LONG_LEVEL), before + 2, seconds=20)

    # A warm shutdown of the worker ends the subscriber cleanly (it reports what it stored).
    process.terminate()
    assert process.wait(timeout=30) == 0
    assert subscribers_of(process.pid) == []
    with pytest.raises(ProcessLookupError):
        os.kill(second, 0)
    assert "1 stored, 0 repeats, 0 refused" in log.read_text(errors="replace")

"""The broker lets each station publish to its own datastreams' topics only: Mosquitto (the
machine's binary, on a spare port) runs with the ACL file `citizen sensors acl` prints and a
password file of `mosquitto_passwd`; what a station publishes elsewhere never reaches us."""

from __future__ import annotations

import asyncio
import getpass
import json
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiomqtt
import pytest

from backend.cli import main as citizen
from backend.db.types import utcnow
from backend.environment import broker, mqtt
from backend.environment.models import Observation
from backend.settings import Settings
from tests.environment.conftest import AIR_STATION, KIM_LONG, KIM_LONG_LEVEL, PM25
from tests.support.processes import free_port, start_mosquitto
from tests.support.services import unavailable

PASSWORDS = {broker.SUBSCRIBER: "reader-secret", AIR_STATION: "air-secret", KIM_LONG: "gauge"}


@pytest.fixture
def acl_text(seeded: Any, settings: Settings, capsys: pytest.CaptureFixture[str]) -> str:
    """What the command prints for the seeded stations (topic prefix: none)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DATABASE_URL", settings.database_url)
        env.setenv("MQTT_TOPIC_PREFIX", "")
        assert citizen(["sensors", "acl"]) == 0
    return capsys.readouterr().out


@pytest.fixture
def secured_broker(acl_text: str, tmp_path: Path) -> Iterator[int]:
    if shutil.which("mosquitto") is None or shutil.which("mosquitto_passwd") is None:
        unavailable("Mosquitto", FileNotFoundError("mosquitto"))
    port = free_port()
    passwords = tmp_path / "passwords"
    for user, secret in PASSWORDS.items():
        create = ["-c"] if not passwords.exists() else []
        subprocess.run(
            ["mosquitto_passwd", *create, "-b", str(passwords), user, secret], check=True
        )
    acl = tmp_path / "acl"
    acl.write_text(acl_text)
    config = tmp_path / "mosquitto.conf"
    # Run as root, Mosquitto would drop to the `mosquitto` user, who cannot read tmp_path.
    config.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous false\npersistence false\n"
        f"user {getpass.getuser()}\npassword_file {passwords}\nacl_file {acl}\n"
    )
    process = start_mosquitto(config, port)
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
async def subscriber(
    secured_broker: int, settings: Settings
) -> AsyncIterator[asyncio.Task[mqtt.Totals]]:
    subscribed = asyncio.Event()
    stop = asyncio.Event()
    url = f"mqtt://{broker.SUBSCRIBER}:{PASSWORDS[broker.SUBSCRIBER]}@127.0.0.1:{secured_broker}"
    configured = settings.model_copy(update={"mqtt_url": url, "mqtt_topic_prefix": ""})
    task = asyncio.create_task(mqtt.subscribe(configured, stop=stop, ready=subscribed.set))
    await asyncio.wait_for(subscribed.wait(), timeout=10)
    yield task
    stop.set()
    await asyncio.wait_for(task, timeout=10)


def test_the_acl_gives_each_station_its_own_topics(acl_text: str) -> None:
    sections = {
        block.splitlines()[0].removeprefix("user "): block.splitlines()[1:]
        for block in acl_text.split("\n\n")
        if block.startswith("user ")
    }
    air = sections[AIR_STATION]
    assert f"topic write v1.1/Datastreams({PM25})/Observations" in air
    assert all(line.startswith("topic write v1.1/Datastreams(") for line in air)
    assert f"topic write v1.1/Datastreams({KIM_LONG_LEVEL})/Observations" not in air
    gauge = sections[KIM_LONG]
    assert f"topic write v1.1/Datastreams({KIM_LONG_LEVEL})/Observations" in gauge
    assert f"topic write v1.1/Datastreams({PM25})/Observations" not in gauge
    assert "topic read v1.1/+/Observations" in acl_text.split("\n\n")[0]


async def _stored(api: Any, key: tuple[int, Any]) -> bool:
    async with api.sessions() as session:
        return await session.get(Observation, key) is not None


async def test_a_station_publishing_to_another_stations_topic_is_dropped_by_the_broker(
    seeded: Any, secured_broker: int, subscriber: asyncio.Task[mqtt.Totals]
) -> None:
    moment = utcnow().replace(microsecond=0) - timedelta(minutes=2)
    body = json.dumps({"phenomenonTime": moment.isoformat(), "result": 9.5})
    async with aiomqtt.Client(
        "127.0.0.1", secured_broker, username=AIR_STATION, password=PASSWORDS[AIR_STATION]
    ) as station:
        # Kim Long's level is not the air station's to write; PM2.5 is. Published in this
        # order on one connection, the second arriving means the first was not passed on.
        await station.publish(f"v1.1/Datastreams({KIM_LONG_LEVEL})/Observations", body, qos=1)
        await station.publish(f"v1.1/Datastreams({PM25})/Observations", body, qos=1)
    deadline = asyncio.get_running_loop().time() + 10
    while not await _stored(seeded, (PM25, moment)):
        assert asyncio.get_running_loop().time() < deadline, "the station's own reading is lost"
        await asyncio.sleep(0.1)
    assert not await _stored(seeded, (KIM_LONG_LEVEL, moment))
    assert subscriber.done() is False


@pytest.mark.parametrize(
    ("username", "password"), [(None, None), (AIR_STATION, "wrong"), ("nobody", "x")]
)
async def test_the_broker_refuses_anonymous_and_unknown_accounts(
    secured_broker: int, username: str | None, password: str | None
) -> None:
    with pytest.raises(aiomqtt.MqttError):
        async with aiomqtt.Client(
            "127.0.0.1", secured_broker, username=username, password=password
        ):
            pass

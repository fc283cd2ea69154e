"""`citizen simulate flood`: replay the demo's flood through the MQTT broker, as the gauges and
flood points would publish it, one simulated hour every `step` seconds (readings carry the
real time of sending). With `citizen mqtt` running, the map, the flood situation and the Kim
Long rule follow it live."""

from __future__ import annotations

import asyncio
import json

import aiomqtt

from backend.db.types import utcnow
from backend.environment.mqtt import broker_account, broker_address
from backend.seed.environment import flood_episode
from backend.settings import Settings


async def replay_flood(settings: Settings, *, step: float, hours: int = 48) -> int:
    """Publish the episode; returns the messages sent."""
    if not settings.mqtt_url:
        raise ValueError("MQTT_URL is not set")
    prefix = settings.mqtt_topic_prefix
    sent = 0
    async with _publisher(settings.mqtt_url) as client:
        for values in flood_episode(hours):
            moment = utcnow().isoformat()
            for stream, value in values.items():
                await client.publish(
                    f"{prefix}v1.1/Datastreams({stream})/Observations",
                    json.dumps({"phenomenonTime": moment, "result": value}),
                    qos=1,
                )
                sent += 1
            await asyncio.sleep(step)
    return sent


def _publisher(url: str) -> aiomqtt.Client:
    """A station's client, with the account `url` names (`mqtt://user:pass@host`). aiomqtt, as
    stations publish: each QoS 1 message waits for its PUBACK, so the replay never has more in
    flight than the broker takes (Mosquitto drops a client that does)."""
    host, port = broker_address(url)
    username, password = broker_account(url)
    return aiomqtt.Client(host, port, username=username, password=password)

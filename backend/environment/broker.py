"""Who may publish to which MQTT topic: a Mosquitto ACL file made from the stations in the
database. Each station's account (its code) may write to its own datastreams' topics only; the
subscriber's account may read them all. Passwords stay the broker's (`mosquitto_passwd`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.environment.models import Datastream, Thing

SUBSCRIBER = "citizen-hub"


@dataclass(frozen=True, slots=True)
class StationTopics:
    code: str
    datastreams: tuple[int, ...]


def topic(prefix: str, datastream: int) -> str:
    return f"{prefix}v1.1/Datastreams({datastream})/Observations"


async def station_topics(session: AsyncSession) -> list[StationTopics]:
    """Every station with its datastreams, by code."""
    rows = await session.execute(
        select(Thing.code, Datastream.id)
        .join(Datastream, Datastream.thing_id == Thing.id)
        .order_by(Thing.code, Datastream.id)
    )
    found: dict[str, list[int]] = {}
    for code, stream in rows:
        found.setdefault(code, []).append(stream)
    return [StationTopics(code, tuple(streams)) for code, streams in found.items()]


def acl_file(stations: Sequence[StationTopics], *, prefix: str, subscriber: str) -> str:
    """Mosquitto's `acl_file` text. A station's publish to another's topic is dropped by the
    broker (MQTT 3.1.1) or answered "not authorised" (MQTT 5) and never reaches us."""
    if any(not s.code or any(c.isspace() for c in s.code) for s in stations):
        raise ValueError("a station code used as a broker account has no spaces")
    lines = [
        "# Made by `citizen sensors acl`: stations write to their own datastreams only.",
        f"user {subscriber}",
        f"topic read {prefix}v1.1/+/Observations",
    ]
    for station in stations:
        lines += ["", f"user {station.code}"]
        lines += [f"topic write {topic(prefix, stream)}" for stream in station.datastreams]
    return "\n".join(lines) + "\n"

"""Public alerts, live: each public Actual alert (an Alert, an Update or a Cancel) is announced
once its wards are recorded, on the public channel of every ward it reaches and on the channel
of all public alerts. A subscriber for one ward listens to that ward's channel only, so the bus,
not each socket, does the matching."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from backend.live import LiveEvent, public_channel

ALERT_ISSUED = "alert.issued"
ALL_TOPIC = "alerts"


def ward_topic(ward: str) -> str:
    return f"alerts:ward:{ward}"


def channel_for(ward: str | None) -> str:
    """The channel of one ward's alerts, or of every public alert."""
    return public_channel(ALL_TOPIC if ward is None else ward_topic(ward))


def issued_events(alert_id: uuid.UUID, wards: Sequence[str]) -> list[LiveEvent]:
    topics = [ALL_TOPIC, *(ward_topic(ward) for ward in wards)]
    return [LiveEvent.public(topic, ALERT_ISSUED, alert_id) for topic in topics]

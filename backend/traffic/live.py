"""Traffic incidents, live: every create, update and close is announced on one public channel
once it committed. Subscribers near a point keep those within their radius themselves: an
incident is a point or a line, so no channel per area could tell which circles it reaches."""

from __future__ import annotations

import uuid

from backend.db.unit_of_work import UnitOfWork
from backend.live import LiveEvent, public_channel, raise_after_commit

INCIDENT_CHANGED = "traffic.incident.changed"
INCIDENTS_TOPIC = "traffic:incidents"
CHANNEL = public_channel(INCIDENTS_TOPIC)


def announce(uow: UnitOfWork, incident_id: uuid.UUID) -> None:
    """Tell live subscribers about the incident once `uow` commits (nothing on rollback)."""
    raise_after_commit(uow, [LiveEvent.public(INCIDENTS_TOPIC, INCIDENT_CHANGED, incident_id)])

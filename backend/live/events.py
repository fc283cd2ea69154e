"""What travels on the bus: a kind and the ids of what changed, never the data itself.

Subscribers load the object again with the viewer's own permissions, so an event carries
nothing that a subscriber could not read anyway, and a stale copy never reaches the app.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

CHANNEL_PREFIX = "live:"


def personal_channel(account_id: uuid.UUID) -> str:
    """The one channel an account's personal events travel on."""
    return f"{CHANNEL_PREFIX}account:{account_id}"


def public_channel(topic: str) -> str:
    """A channel anyone may listen to, signed in or not: what travels there is public."""
    return f"{CHANNEL_PREFIX}public:{topic}"


@dataclass(frozen=True, slots=True)
class LiveEvent:
    channel: str
    kind: str
    object_id: uuid.UUID

    @classmethod
    def personal(cls, account_id: uuid.UUID, kind: str, object_id: uuid.UUID) -> LiveEvent:
        return cls(personal_channel(account_id), kind, object_id)

    @classmethod
    def public(cls, topic: str, kind: str, object_id: uuid.UUID) -> LiveEvent:
        return cls(public_channel(topic), kind, object_id)

    def encode(self) -> str:
        return json.dumps({"kind": self.kind, "id": str(self.object_id)}, separators=(",", ":"))

    @classmethod
    def decode(cls, channel: str, data: str | bytes) -> LiveEvent | None:
        """None for anything malformed: a bad message must not end a listener."""
        try:
            body = json.loads(data)
            return cls(channel, str(body["kind"]), uuid.UUID(str(body["id"])))
        except (ValueError, KeyError, TypeError):
            return None

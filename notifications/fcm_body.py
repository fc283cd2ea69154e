"""The FCM v1 request body of a push, built by firebase-admin's own encoder once per content and
target kind; each device's token is then spliced into the encoded bytes.

firebase-admin's `Message` model keeps its validation; only the per-device repetition of encoding
(and of json.dumps) goes. tests/notifications/test_fcm_body.py checks that the spliced body equals
what firebase-admin encodes for the same `Message`.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from firebase_admin import messaging

from notifications import firebase_private
from notifications.models import TargetKind

# Never a valid token (NUL characters), so it occurs in the encoded body exactly once.
_PLACEHOLDER = "\x00citizen-target\x00"
_ENCODED_PLACEHOLDER = json.dumps(_PLACEHOLDER)


@dataclass(frozen=True, slots=True, eq=False)
class PushContent:
    """What one notification says in one language: shared by all devices reading it."""

    title: str
    body: str
    data: dict[str, str]
    urgent: bool
    collapse_key: str
    ttl_seconds: int


class Address(StrEnum):
    """What `OutgoingPush.target` is; each value is the name of `Message`'s field for it."""

    TOKEN = "token"  # noqa: S105 - a kind of address, not a secret
    FID = "fid"
    TOPIC = "topic"


ADDRESS_OF = {TargetKind.TOKEN: Address.TOKEN, TargetKind.FID: Address.FID}


@dataclass(frozen=True, slots=True)
class OutgoingPush:
    notification_id: uuid.UUID  # or the broadcast's id
    device_id: uuid.UUID | None  # None for a topic
    target: str
    target_kind: Address
    content: PushContent


def to_message(push: OutgoingPush, *, target: str | None = None) -> messaging.Message:
    """Per-message Android priority/TTL/collapse key and the matching APNs headers."""
    content = push.content
    apns_headers = {
        "apns-priority": "10" if content.urgent else "5",
        "apns-expiration": str(int(time.time()) + content.ttl_seconds),
        "apns-collapse-id": content.collapse_key,
    }
    addressed: dict[str, Any] = {push.target_kind.value: push.target if target is None else target}
    return messaging.Message(
        notification=messaging.Notification(title=content.title, body=content.body),
        data=content.data,
        android=messaging.AndroidConfig(
            priority="high" if content.urgent else "normal",
            ttl=timedelta(seconds=content.ttl_seconds),
            collapse_key=content.collapse_key,
        ),
        apns=messaging.APNSConfig(
            headers=apns_headers,
            payload=messaging.APNSPayload(aps=messaging.Aps(sound="default")),
        ),
        **addressed,
    )


def encode(message: messaging.Message) -> bytes:
    """The request body firebase-admin would send for `message` (compact JSON, UTF-8)."""
    document = {"message": firebase_private.encode_message(message)}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


class BodyTemplates:
    """Request bodies of a batch of pushes, encoded once per (content, target kind)."""

    def __init__(self) -> None:
        self._templates: dict[tuple[int, Address], tuple[bytes, bytes]] = {}

    def bodies(self, pushes: Sequence[OutgoingPush]) -> list[bytes]:
        return [self.body(push) for push in pushes]

    def body(self, push: OutgoingPush) -> bytes:
        # Keyed by identity: the dispatcher shares one PushContent per notification and language
        # and keeps it alive for the whole batch.
        if push.target_kind is Address.TOPIC:  # one request per topic: nothing to reuse
            return encode(to_message(push))
        key = (id(push.content), push.target_kind)
        template = self._templates.get(key)
        if template is None:
            template = self._templates[key] = _template(push)
        before, after = template
        return before + json.dumps(push.target).encode() + after


def _template(push: OutgoingPush) -> tuple[bytes, bytes]:
    if not push.target:
        raise ValueError("a push needs a non-empty target")
    encoded = encode(to_message(push, target=_PLACEHOLDER))
    before, found, after = encoded.partition(_ENCODED_PLACEHOLDER.encode())
    if not found or _ENCODED_PLACEHOLDER.encode() in after:
        raise ValueError("the target placeholder must occur exactly once in the body")
    return before, after

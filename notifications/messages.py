"""What a domain asks to send, and the push payload built from it.

The data payload carries only a type, ids and a deep link: personal details (health above all)
stay on our servers and the app fetches them over an authenticated request.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from backend.i18n import Locale, Translated
from notifications.models import Category

FCM_MAX_PAYLOAD_BYTES = 4096
DATA_KEY = re.compile(r"^[a-z][a-zA-Z0-9_]{0,39}$")
DATA_VALUE = re.compile(r"^[A-Za-z0-9_\-:.=]{1,128}$")  # ids, enum values, timestamps
DEEP_LINK = re.compile(r"^citizenhub://[a-z0-9/_\-]{1,200}$")
RESERVED_KEYS = {"from", "notification", "message_type", "type", "deep_link", "collapse_key"}

TTL_SECONDS = {"short": 3600, "day": 86_400, "week": 604_800}


class InvalidPayload(ValueError):
    """A domain tried to push something the contract does not allow."""


# A push's title or body: the text in each language, built with `Text.from_catalogue(key, ...)`
# from the domain's catalogue, or `Text.of(vi, en, ...)`. Each device reads it in its language.
Text = Translated


@dataclass(frozen=True, slots=True)
class PushMessage:
    category: Category
    type: str  # e.g. "appointment.booked": the app's switch for rendering and routing
    title: Text
    body: Text
    deep_link: str  # e.g. "citizenhub://appointments/<id>"
    data: dict[str, str] = field(default_factory=dict)  # ids only
    urgent: bool = False  # public safety: bypasses quiet hours, high priority
    collapse_key: str | None = None  # a newer message with the same key replaces the older
    ttl: str = "day"  # how long FCM keeps trying: short | day | week

    def validate(self) -> None:
        if not re.fullmatch(r"[a-z_]+\.[a-z_]+", self.type):
            raise InvalidPayload(f"bad type {self.type!r}")
        if not DEEP_LINK.match(self.deep_link):
            raise InvalidPayload(f"bad deep link {self.deep_link!r}")
        if self.ttl not in TTL_SECONDS:
            raise InvalidPayload(f"bad ttl class {self.ttl!r}")
        for key, value in self.data.items():
            if key in RESERVED_KEYS or not DATA_KEY.match(key) or not DATA_VALUE.match(value):
                raise InvalidPayload(f"data {key!r} must be an id-like value")
        payload = data_payload("0" * 32, self.type, self.deep_link, self.data)
        for locale in Locale:
            title, body = self.title.get(locale), self.body.get(locale)
            if payload_size(title, body, payload) > FCM_MAX_PAYLOAD_BYTES:
                raise InvalidPayload("the push would exceed FCM's 4 KB limit")

    @property
    def ttl_seconds(self) -> int:
        return TTL_SECONDS[self.ttl]


def data_payload(
    notification_id: str, type_: str, deep_link: str, data: dict[str, str]
) -> dict[str, str]:
    """The FCM `data` map of a notification: type, ids and where to go, nothing else."""
    return {"type": type_, "notification_id": notification_id, "deep_link": deep_link, **data}


def contract_payload(notification_id: str, message: PushMessage) -> dict[str, object]:
    """What the app receives, as `mobile_contract/push/<type>.json` describes it."""
    return {
        "data": data_payload(notification_id, message.type, message.deep_link, message.data),
        "collapseKey": message.collapse_key or notification_id,
        "ttl": message.ttl,
        "priority": "high" if message.urgent else "normal",
    }


def payload_size(title: str, body: str, data: dict[str, str]) -> int:
    """Bytes FCM counts against its 4 KB limit (notification + data)."""
    return len(json.dumps({"title": title, "body": body, **data}, ensure_ascii=False).encode())

"""The lean sender's request bodies are exactly what firebase-admin's encoder produces."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from firebase_admin import messaging

from notifications.fcm_body import Address, BodyTemplates, OutgoingPush, PushContent, to_message

CONTENT = PushContent(
    title='Cảnh báo "lũ" \\ sông Hương',
    body="Mực nước đang lên.\nTránh khu vực trũng. 🌊",
    data={"type": "flood.warning", "notification_id": "n1", "deep_link": "citizenhub://alerts/1"},
    urgent=True,
    collapse_key="flood-1",
    ttl_seconds=3600,
)


def push(target: str, kind: Address = Address.TOKEN, content: PushContent = CONTENT) -> Any:
    return OutgoingPush(uuid.uuid4(), uuid.uuid4(), target, kind, content)


def firebase_admins_body(message: messaging.Message) -> dict[str, Any]:
    """What `send`/`send_each` put on the wire (`_MessagingService._message_data`)."""
    return {"message": messaging._MessagingService.encode_message(message)}


@pytest.mark.parametrize("kind", [Address.TOKEN, Address.FID, Address.TOPIC])
@pytest.mark.parametrize("target", ["dXk:APA91b-token_1", 'odd"token\\with\u00e9'])
def test_spliced_body_equals_firebase_admins_encoding(
    kind: Address, target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("time.time", lambda: 1_800_000_000.0)  # apns-expiration is now + ttl
    outgoing = push("ward-phu-hoi-vi" if kind is Address.TOPIC else target, kind)

    body = BodyTemplates().body(outgoing)

    assert json.loads(body) == firebase_admins_body(to_message(outgoing))


def test_one_template_serves_every_device_of_a_content() -> None:
    templates = BodyTemplates()
    normal = PushContent("Tiêu đề", "Nội dung", {"type": "a.b"}, False, "c", 86_400)
    pushes = [push(f"token-{n}") for n in range(3)] + [push("other", content=normal)]

    bodies = templates.bodies(pushes)

    decoded = [json.loads(body)["message"] for body in bodies]
    assert [m["token"] for m in decoded] == ["token-0", "token-1", "token-2", "other"]
    assert decoded[0]["android"] == {"collapse_key": "flood-1", "priority": "high", "ttl": "3600s"}
    assert decoded[3]["android"]["priority"] == "normal"
    assert len(templates._templates) == 2


def test_firebase_admin_still_validates_the_message() -> None:
    bad = PushContent("t", "b", {"type": 1}, False, "c", 60)  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="data"):
        BodyTemplates().body(push("token", content=bad))

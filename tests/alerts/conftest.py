"""What alert tests share: texts, a task recorder, reading alerts back."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select
from strawberry import relay

from backend.alerts.models import Alert, AlertEvent
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.graphql_api.persisted import MANIFEST
from backend.i18n import Locale, Translated
from backend.seed.demo import stable_id
from notifications.models import Platform, TargetKind
from notifications.service import DeviceRegistration, register_device
from tests.support.graphql import data, login

FLOOD = Translated.of("Lũ trên sông Hương", "Flood on the Huong River")
HEADLINE = Translated.of(
    "Mực nước sông Hương tại Kim Long vượt báo động II", "Kim Long above alarm II"
)
DESCRIPTION = Translated.of("Mực nước đang lên.", "The water is rising.")
INSTRUCTION = Translated.of("Di chuyển đồ đạc lên cao.", "Move belongings to higher ground.")


class Tasks:
    """A task sender that records what would have gone to the broker."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, list[Any]]] = []

    def send_task(self, name: str, args: Any = None) -> object:
        self.sent.append((name, list(args or [])))
        return None


async def alert_row(api: Any, alert_id: uuid.UUID) -> Alert:
    async with api.sessions() as session:
        found = await session.get(Alert, alert_id)
    assert found is not None
    return found


async def events(api: Any, alert_id: uuid.UUID) -> list[tuple[str, uuid.UUID | None]]:
    async with api.sessions() as session:
        rows = await session.scalars(
            select(AlertEvent)
            .where(AlertEvent.alert_id == alert_id)
            .order_by(AlertEvent.created_at, AlertEvent.action)
        )
        return [(row.action.value, row.actor_id) for row in rows]


# --- GraphQL -------------------------------------------------------------------------------------

OPERATOR = "0905000003"  # congchuc@demo.hue.vn
SECOND_OPERATOR = "0905000021"  # phongthu@demo.hue.vn
RESIDENT = "0905000001"

OPERATIONS: dict[str, str] = {
    o["name"]: o["body"] for o in json.loads(MANIFEST.read_text())["operations"]
}


def gid(value: uuid.UUID) -> str:
    return str(relay.GlobalID("Alert", str(value)))


def uuid_of(global_id: str) -> uuid.UUID:
    return uuid.UUID(relay.GlobalID.from_id(global_id).node_id)


def seeded_alert(key: str) -> uuid.UUID:
    return stable_id("alert", key)


async def token_of(api: Any, phone: str) -> str:
    token: str = (await login(api, phone))["accessToken"]
    return token


async def send(
    api: Any, name: str, variables: dict[str, Any] | None = None, *, token: str | None = None
) -> dict[str, Any]:
    return await api(OPERATIONS[name], variables or {}, token=token)


async def ok(
    api: Any, name: str, variables: dict[str, Any] | None = None, *, token: str | None = None
) -> dict[str, Any]:
    return data(await send(api, name, variables, token=token))


def text(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def alert_input(**changes: Any) -> dict[str, Any]:
    """A flood warning over two wards (Kim Long and Thuận Hòa meet at 107.566° E)."""
    return {
        "category": "MET",
        "event": text("Lũ", "Flood"),
        "urgency": "EXPECTED",
        "severity": "SEVERE",
        "certainty": "LIKELY",
        "responseType": "PREPARE",
        "headline": text("Cảnh báo lũ", "Flood warning"),
        "description": text("Nước lên.", "The water is rising."),
        "instruction": text("Kê cao đồ đạc.", "Raise belongings."),
        "areas": [
            {
                "description": text("Hai bờ sông", "Both banks"),
                "polygons": [
                    [
                        {"latitude": 16.463, "longitude": 107.560},
                        {"latitude": 16.466, "longitude": 107.560},
                        {"latitude": 16.466, "longitude": 107.570},
                        {"latitude": 16.463, "longitude": 107.570},
                        {"latitude": 16.463, "longitude": 107.560},
                    ]
                ],
            }
        ],
        **changes,
    }


async def home_device(api: Any, phone: str, token: str, ward: str) -> uuid.UUID:
    """A signed-in phone of `phone`'s account whose home ward is `ward`; the account's id."""
    owner = stable_id("user", phone)
    async with UnitOfWork(api.sessions, Tasks()) as uow:
        await register_device(
            uow,
            owner,
            DeviceRegistration(
                target=token,
                target_kind=TargetKind.TOKEN,
                platform=Platform.ANDROID,
                locale=Locale.VI,
                app_version="1.0.0",
                home_ward=ward,
            ),
            utcnow(),
        )
    return owner

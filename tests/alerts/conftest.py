"""What alert tests share: texts, a task recorder, reading alerts back."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from backend.alerts.models import Alert, AlertEvent
from backend.i18n import Translated

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

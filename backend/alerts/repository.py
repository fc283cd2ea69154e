"""Every SQL statement of the alerts domain that serves writes (entities) and delivery."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.alerts.models import Alert, AlertEvent, AlertWard, MsgType, Stage

IN_FORCE = (Stage.DRAFT, Stage.APPROVED, Stage.ISSUED)


async def add_alert(session: AsyncSession, alert: Alert) -> None:
    session.add(alert)
    await session.flush()


async def add_event(session: AsyncSession, event: AlertEvent) -> None:
    session.add(event)
    await session.flush()


async def alert_for_update(session: AsyncSession, alert_id: uuid.UUID) -> Alert | None:
    found = await session.execute(select(Alert).where(Alert.id == alert_id).with_for_update())
    return found.scalar_one_or_none()


async def rule_alert_for_update(session: AsyncSession, rule: str) -> Alert | None:
    """The rule's newest alert still in force (a draft first, being newer), never a Cancel."""
    found = await session.execute(
        select(Alert)
        .where(Alert.rule == rule, Alert.stage.in_(IN_FORCE), Alert.msg_type != MsgType.CANCEL)
        .order_by(Alert.created_at.desc(), Alert.id.desc())
        .limit(1)
        .with_for_update()
    )
    return found.scalar_one_or_none()


async def add_wards(
    session: AsyncSession, alert_id: uuid.UUID, wards: Sequence[str], public: bool
) -> None:
    if wards:
        rows = [{"alert_id": alert_id, "ward": ward, "public": public} for ward in wards]
        await session.execute(insert(AlertWard), rows)


async def mark_delivered(session: AsyncSession, alert_id: uuid.UUID, now: datetime) -> None:
    await session.execute(update(Alert).where(Alert.id == alert_id).values(delivered_at=now))


async def undelivered_ids(
    session: AsyncSession, sent_before: datetime, limit: int
) -> list[uuid.UUID]:
    found = await session.execute(
        select(Alert.id)
        .where(Alert.stage.in_((Stage.ISSUED, Stage.SUPERSEDED, Stage.CANCELLED)))
        .where(
            (Alert.delivered_at.is_(None) | Alert.inbox_delivered_at.is_(None)),
            Alert.sent < sent_before,
        )
        .order_by(Alert.sent)
        .limit(limit)
    )
    return list(found.scalars())


async def wards_of(session: AsyncSession, alert_id: uuid.UUID) -> list[str]:
    found = await session.scalars(
        select(AlertWard.ward).where(AlertWard.alert_id == alert_id).order_by(AlertWard.ward)
    )
    return list(found)

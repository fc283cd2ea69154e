"""Read paths of the alerts domain: typed rows from Core selects (the public list, one alert,
operators' lists, the CAP document and the feed)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.alerts.models import (
    Alert,
    AlertWard,
    Category,
    Certainty,
    MsgType,
    ResponseType,
    Scope,
    Severity,
    Stage,
    Status,
    Urgency,
)
from backend.db import keyset
from backend.db.rows import Row, columns
from backend.i18n import Translated

RECENT_CANCELS = timedelta(days=1)  # how long the feed keeps an all-clear


@dataclass(frozen=True, slots=True)
class AlertRow(Row):
    id: uuid.UUID
    identifier: str
    sender: str
    sender_name: Translated
    sent: datetime | None
    status: Status
    msg_type: MsgType
    scope: Scope
    category: Category
    event: Translated
    urgency: Urgency
    severity: Severity
    certainty: Certainty
    response_type: ResponseType
    onset: datetime | None
    expires: datetime | None
    headline: Translated
    description: Translated
    instruction: Translated
    areas: list[dict[str, Any]]
    references_id: uuid.UUID | None
    stage: Stage
    rule: str | None
    drafted_by: uuid.UUID | None
    approved_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


ALERT_COLUMNS = columns(AlertRow, Alert, {})


def _public() -> ColumnElement[bool]:
    """What the public may see: real alerts for everyone, once issued."""
    return and_(
        Alert.status == Status.ACTUAL,
        Alert.scope == Scope.PUBLIC,
        Alert.stage.in_((Stage.ISSUED, Stage.SUPERSEDED, Stage.CANCELLED)),
    )


def _in_force(now: datetime) -> ColumnElement[bool]:
    return and_(
        Alert.stage == Stage.ISSUED,
        Alert.msg_type != MsgType.CANCEL,
        or_(Alert.expires.is_(None), Alert.expires > now),
    )


async def public_page(
    session: AsyncSession,
    *,
    now: datetime,
    active: bool,
    wards: Sequence[str] | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[AlertRow]:
    """Public alerts, newest first; `active` keeps those in force; `wards` those reaching them."""
    statement = select(*ALERT_COLUMNS).where(_public())
    if active:
        statement = statement.where(_in_force(now))
    if wards is not None:
        statement = statement.where(
            exists().where(AlertWard.alert_id == Alert.id, AlertWard.ward.in_(list(wards)))
        )
    statement = keyset.page(
        statement, key=Alert.sent, row_id=Alert.id, after=after, limit=limit, descending=True
    )
    return [AlertRow.of(row) for row in await session.execute(statement)]


async def operator_page(
    session: AsyncSession,
    *,
    stages: Sequence[Stage],
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[AlertRow]:
    """Every alert in the given stages (Exercise and Test included), latest change first."""
    statement = select(*ALERT_COLUMNS)
    if stages:
        statement = statement.where(Alert.stage.in_(list(stages)))
    statement = keyset.page(
        statement, key=Alert.updated_at, row_id=Alert.id, after=after, limit=limit, descending=True
    )
    return [AlertRow.of(row) for row in await session.execute(statement)]


async def alerts_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID], *, public_only: bool
) -> list[AlertRow]:
    statement = select(*ALERT_COLUMNS).where(Alert.id.in_(list(ids)))
    if public_only:
        statement = statement.where(_public())
    return [AlertRow.of(row) for row in await session.execute(statement)]


async def public_by_identifier(session: AsyncSession, identifier: str) -> AlertRow | None:
    statement = select(*ALERT_COLUMNS).where(Alert.identifier == identifier, _public())
    found = (await session.execute(statement)).first()
    return None if found is None else AlertRow.of(found)


async def feed(session: AsyncSession, now: datetime, limit: int) -> list[AlertRow]:
    """The Atom feed: public alerts in force, and all-clears of the last day, newest first."""
    recent_cancel = and_(
        Alert.stage == Stage.ISSUED,
        Alert.msg_type == MsgType.CANCEL,
        Alert.sent > now - RECENT_CANCELS,
    )
    statement = (
        select(*ALERT_COLUMNS)
        .where(_public(), or_(_in_force(now), recent_cancel))
        .order_by(Alert.sent.desc(), Alert.id.desc())
        .limit(limit)
    )
    return [AlertRow.of(row) for row in await session.execute(statement)]


async def identifiers_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, str, datetime | None]]:
    """(sender, identifier, sent) of alerts, for CAP's `references`."""
    rows = await session.execute(
        select(Alert.id, Alert.sender, Alert.identifier, Alert.sent).where(Alert.id.in_(list(ids)))
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


async def wards_by_alert(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    found: dict[uuid.UUID, list[str]] = {alert_id: [] for alert_id in ids}
    rows = await session.execute(
        select(AlertWard.alert_id, AlertWard.ward)
        .where(AlertWard.alert_id.in_(list(ids)))
        .order_by(AlertWard.ward)
    )
    for alert_id, ward in rows:
        found[alert_id].append(ward)
    return found

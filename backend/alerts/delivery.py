"""Delivery of an issued alert: resolve the wards its areas touch, push each ward's topics, then
write inbox entries for the people who live there (stored as dispatched: their phones already
got the alert through the ward topic, so it is not pushed twice).

Two steps, each idempotent by its own stamp: the topic pushes (what most people receive, and
what must leave within a second) commit first; the inbox entries, which grow with the number of
residents, follow in their own transaction. Exercise and Test alerts, and alerts not meant for
the public, have their wards recorded for operators but push nothing. Public alerts are also
announced to live subscribers (`alertIssued`) once the first step commits.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from shapely.geometry import Point
from sqlalchemy.ext.asyncio import AsyncSession

from backend.alerts import live, repository
from backend.alerts.areas import Area, circle_shape, polygon_shape
from backend.alerts.lifecycle import audit
from backend.alerts.models import Alert, AlertAction, MsgType, Scope, Severity, Status, Urgency
from backend.db.unit_of_work import UnitOfWork
from backend.live import raise_after_commit
from backend.places.matching import wards_touching
from notifications.broadcasts import file_in_inboxes, notify_areas
from notifications.messages import PushMessage
from notifications.models import Category
from notifications.residents import users_at_home_in

PUSH_TYPES = {
    MsgType.ALERT: "alert.issued",
    MsgType.UPDATE: "alert.updated",
    MsgType.CANCEL: "alert.cancelled",
}
MAX_BODY = 600


def is_public(alert: Alert) -> bool:
    """Only real alerts meant for everyone reach phones (never Exercise, Test, System)."""
    return alert.status is Status.ACTUAL and alert.scope is Scope.PUBLIC


def is_urgent(alert: Alert) -> bool:
    """Immediate or Extreme alerts bypass quiet hours and go at high priority."""
    return alert.urgency is Urgency.IMMEDIATE or alert.severity is Severity.EXTREME


async def resolve_wards(session: AsyncSession, alert: Alert) -> list[str]:
    """The wards an alert's areas touch (polygons, circles, ward codes)."""
    areas = [Area.from_json(area) for area in alert.areas]
    return await wards_touching(
        session,
        polygons=[polygon_shape(ring) for area in areas for ring in area.polygons],
        circles=[
            (Point(c.lon, c.lat), c.radius_km * 1000.0, circle_shape(c))
            for area in areas
            for c in area.circles
        ],
        slugs=[ward for area in areas for ward in area.wards],
    )


def push_message(alert: Alert) -> PushMessage:
    """The push of an alert: its headline and instruction, a deep link to the alert."""
    body = {code: text[:MAX_BODY] for code, text in alert.instruction.texts.items()}
    return PushMessage(
        category=Category.ENVIRONMENT,
        type=PUSH_TYPES[alert.msg_type],
        title=alert.headline,
        body=type(alert.instruction)(body),
        deep_link=f"citizenhub://alerts/{alert.id}",
        data={"alertId": str(alert.id), "severity": alert.severity.value},
        urgent=is_urgent(alert),
        ttl="day",
    )


async def deliver_to_wards(uow: UnitOfWork, alert_id: uuid.UUID, now: datetime) -> bool:
    """Match wards and push their topics; False when already done (or not issued)."""
    alert = await repository.alert_for_update(uow.session, alert_id)
    if alert is None or alert.sent is None or alert.delivered_at is not None:
        return False
    wards = await resolve_wards(uow.session, alert)
    public = is_public(alert)
    await repository.add_wards(uow.session, alert.id, wards, public)
    if public and wards:
        await notify_areas(uow, wards=wards, message=push_message(alert), now=now)
    if public:
        # After commit, so a subscriber loading the alert finds it issued with its wards.
        raise_after_commit(uow, live.issued_events(alert.id, wards))
    alert.delivered_at = now
    await audit(
        uow, alert.id, AlertAction.DELIVERED, actor=None, now=now, wards=len(wards), public=public
    )
    return True


async def deliver_to_inboxes(uow: UnitOfWork, alert_id: uuid.UUID, now: datetime) -> int:
    """Inbox entries for residents of the alert's wards; how many (0 when already done)."""
    alert = await repository.alert_for_update(uow.session, alert_id)
    if alert is None or alert.delivered_at is None or alert.inbox_delivered_at is not None:
        return 0
    alert.inbox_delivered_at = now
    if not is_public(alert):
        return 0
    wards = await repository.wards_of(uow.session, alert.id)
    users = await users_at_home_in(uow.session, wards)
    return await file_in_inboxes(uow, user_ids=users, message=push_message(alert), now=now)

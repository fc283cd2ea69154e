"""Ward matching and delivery: a polygon crossing two wards, a circle, ward codes; each ward's
topics are pushed once even when delivery runs twice; exercises reach no phone."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from backend.alerts import delivery
from backend.alerts.areas import Area, Circle
from backend.alerts.automatic import raise_automatic
from backend.alerts.content import AlertContent
from backend.alerts.lifecycle import create, issue
from backend.alerts.models import (
    AlertWard,
    Category,
    Certainty,
    MsgType,
    ResponseType,
    Scope,
    Severity,
    Status,
    Urgency,
)
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.i18n import Translated
from notifications.models import Broadcast, Notification
from tests.alerts.conftest import DESCRIPTION, FLOOD, HEADLINE, INSTRUCTION, Tasks, home_device

HERE = Translated.of("Khu vực", "Area")
# Kim Long (west of 107.566° E) and Thuận Hòa (east of it) share an edge.
ACROSS_TWO = ((16.463, 107.560), (16.466, 107.560), (16.466, 107.570), (16.463, 107.570))


def _content(area: Area, status: Status = Status.ACTUAL, **changes: Any) -> AlertContent:
    values: dict[str, Any] = {
        "status": status,
        "scope": Scope.PUBLIC,
        "category": Category.MET,
        "event": FLOOD,
        "urgency": Urgency.EXPECTED,
        "severity": Severity.SEVERE,
        "certainty": Certainty.LIKELY,
        "response_type": ResponseType.PREPARE,
        "headline": HEADLINE,
        "description": DESCRIPTION,
        "instruction": INSTRUCTION,
        "areas": [area],
        **changes,
    }
    return AlertContent(**values)


async def _issued(api: Any, content: AlertContent) -> uuid.UUID:
    tasks = Tasks()
    async with UnitOfWork(api.sessions, tasks) as uow:
        alert = await create(
            uow,
            content,
            msg_type=MsgType.ALERT,
            references=None,
            actor=None,
            rule=None,
            now=utcnow(),
        )
        await issue(uow, alert, actor=None, alone=True, now=utcnow())
    assert tasks.sent == [("alerts.deliver", [str(alert.id)])]
    return alert.id


async def _deliver(api: Any, alert_id: uuid.UUID) -> tuple[list[str], list[str], int]:
    """Deliver as the task does; (wards recorded, wards pushed, inbox entries written)."""
    async with UnitOfWork(api.sessions, Tasks()) as uow:
        await delivery.deliver_to_wards(uow, alert_id, utcnow())
    async with UnitOfWork(api.sessions, Tasks()) as uow:
        residents = await delivery.deliver_to_inboxes(uow, alert_id, utcnow())
    async with api.sessions() as session:
        recorded = await session.scalars(
            select(AlertWard.ward).where(AlertWard.alert_id == alert_id).order_by(AlertWard.ward)
        )
        pushed = await session.scalars(
            select(Broadcast.ward)
            .where(Broadcast.data["alertId"].as_string() == str(alert_id))
            .order_by(Broadcast.ward)
        )
        return list(recorded), list(pushed), residents


@pytest.mark.parametrize(
    ("area", "wards"),
    [
        (Area(HERE, polygons=(ACROSS_TWO + ACROSS_TWO[:1],)), ["kim-long", "thuan-hoa"]),
        # 300 m around a point inside Vĩnh Ninh, 200 m from Phú Hội (107.588° E).
        (Area(HERE, circles=(Circle(16.461, 107.5861, 0.3),)), ["phu-hoi", "vinh-ninh"]),
        (Area(HERE, circles=(Circle(16.461, 107.5830, 0.1),)), ["vinh-ninh"]),
        (Area(HERE, wards=("dong-ba", "truong-an")), ["dong-ba", "truong-an"]),
    ],
    ids=["polygon-across-two-wards", "circle-across-two-wards", "small-circle", "ward-codes"],
)
async def test_an_alert_reaches_the_wards_its_area_touches(
    seeded: Any, area: Area, wards: list[str]
) -> None:
    alert_id = await _issued(seeded, _content(area))

    assert await _deliver(seeded, alert_id) == (wards, wards, 0)


async def test_delivering_twice_sends_nothing_twice(seeded: Any) -> None:
    owner = await home_device(seeded, "+84905000001", "tok-1", "kim-long")
    alert_id = await _issued(seeded, _content(Area(HERE, polygons=(ACROSS_TWO + ACROSS_TWO[:1],))))

    first = await _deliver(seeded, alert_id)
    second = await _deliver(seeded, alert_id)

    assert first == (["kim-long", "thuan-hoa"], ["kim-long", "thuan-hoa"], 1)
    assert second == (["kim-long", "thuan-hoa"], ["kim-long", "thuan-hoa"], 0)
    async with seeded.sessions() as session:
        inbox = (
            await session.scalars(select(Notification).where(Notification.user_id == owner))
        ).all()
    assert [(n.type, n.deep_link, n.urgent) for n in inbox] == [
        ("alert.issued", f"citizenhub://alerts/{alert_id}", False)
    ]


@pytest.mark.parametrize("status", [Status.EXERCISE, Status.TEST])
async def test_exercises_and_tests_reach_no_phone(seeded: Any, status: Status) -> None:
    await home_device(seeded, "+84905000001", "tok-2", "dong-ba")
    alert_id = await _issued(
        seeded,
        _content(
            Area(HERE, wards=("dong-ba",)),
            status,
            severity=Severity.EXTREME,
            urgency=Urgency.IMMEDIATE,
        ),
    )

    assert await _deliver(seeded, alert_id) == (["dong-ba"], [], 0)
    async with seeded.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Notification)) == 0


async def test_an_urgent_automatic_alert_bypasses_quiet_hours(seeded: Any) -> None:
    tasks = Tasks()
    async with UnitOfWork(seeded.sessions, tasks) as uow:
        alert_id = await raise_automatic(
            uow,
            rule="gauge:phu-oc:alarm-3",
            wards=["kim-long"],
            event=FLOOD,
            severity=Severity.EXTREME,
            urgency=Urgency.IMMEDIATE,
            certainty=Certainty.OBSERVED,
            headline=HEADLINE,
            description=DESCRIPTION,
            instruction=INSTRUCTION,
            now=utcnow(),
            issue=True,
        )
    await _deliver(seeded, alert_id)

    async with seeded.sessions() as session:
        pushed = (await session.scalars(select(Broadcast))).all()
    assert [(b.ward, b.urgent, b.type) for b in pushed] == [("kim-long", True, "alert.issued")]

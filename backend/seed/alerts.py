"""Demo alerts: an issued flood warning for the wards along the Hương River, a haze alert that
was cancelled once the air cleared, and an evacuation exercise that the public never sees.

They are written as delivered: the demo seeds data, it does not push to phones."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.alerts.areas import Area, Circle
from backend.alerts.content import AlertContent, apply
from backend.alerts.delivery import is_public, resolve_wards
from backend.alerts.lifecycle import SENDER, SENDER_NAME, identifier_for
from backend.alerts.models import (
    Alert,
    AlertAction,
    AlertEvent,
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
from backend.db.types import utcnow
from backend.i18n import Translated
from backend.seed.demo import stable_id

DRAFTER = "+84905000003"  # congchuc@demo.hue.vn
APPROVER = "+84905000021"  # phongthu@demo.hue.vn

# Along the Hương River through the city, "lat,lon" as CAP writes it.
RIVERSIDE = (
    (16.458, 107.545),
    (16.472, 107.545),
    (16.472, 107.598),
    (16.458, 107.598),
    (16.458, 107.545),
)

FLOOD = AlertContent(
    status=Status.ACTUAL,
    scope=Scope.PUBLIC,
    category=Category.MET,
    event=Translated.of("Lũ trên sông Hương", "Flood on the Huong River"),
    urgency=Urgency.EXPECTED,
    severity=Severity.SEVERE,
    certainty=Certainty.LIKELY,
    response_type=ResponseType.PREPARE,
    headline=Translated.of(
        "Cảnh báo lũ: sông Hương tại Kim Long vượt báo động II",
        "Flood warning: the Huong River at Kim Long is above alarm level II",
    ),
    description=Translated.of(
        "Mực nước sông Hương tại trạm Kim Long đang lên "
        "và có thể đạt báo động III trong 12 giờ tới.",
        "The Huong River at the Kim Long gauge is rising and may reach alarm level III "
        "within 12 hours.",
    ),
    instruction=Translated.of(
        "Kê cao đồ đạc, di chuyển xe lên chỗ cao, tránh đi qua các tuyến đường ngập.",
        "Raise belongings, move vehicles to higher ground and avoid flooded streets.",
    ),
    areas=[
        Area(
            description=Translated.of("Các phường ven sông Hương", "Wards along the Huong River"),
            polygons=(RIVERSIDE,),
        )
    ],
)

HAZE = AlertContent(
    status=Status.ACTUAL,
    scope=Scope.PUBLIC,
    category=Category.ENV,
    event=Translated.of("Ô nhiễm không khí", "Air pollution"),
    urgency=Urgency.EXPECTED,
    severity=Severity.MODERATE,
    certainty=Certainty.OBSERVED,
    response_type=ResponseType.AVOID,
    headline=Translated.of(
        "VN_AQI trên 150 tại trạm 83 Hùng Vương", "VN_AQI above 150 at the 83 Hung Vuong station"
    ),
    description=Translated.of(
        "Chất lượng không khí kém do khói mù.", "Poor air quality because of haze."
    ),
    instruction=Translated.of(
        "Hạn chế hoạt động ngoài trời, đeo khẩu trang.",
        "Limit outdoor activity and wear a mask.",
    ),
    areas=[
        Area(
            description=Translated.of("Trung tâm thành phố", "City centre"),
            circles=(Circle(16.4637, 107.5909, 2.0),),
        )
    ],
)

DRILL = AlertContent(
    status=Status.EXERCISE,
    scope=Scope.PUBLIC,
    category=Category.SAFETY,
    event=Translated.of("Diễn tập sơ tán", "Evacuation exercise"),
    urgency=Urgency.IMMEDIATE,
    severity=Severity.EXTREME,
    certainty=Certainty.OBSERVED,
    response_type=ResponseType.EVACUATE,
    headline=Translated.of("DIỄN TẬP: sơ tán phường Phú Hội", "EXERCISE: evacuate Phu Hoi"),
    description=Translated.of("Đây là diễn tập.", "This is an exercise."),
    instruction=Translated.of("Không cần làm gì.", "No action needed."),
    areas=[Area(description=Translated.of("Phường Phú Hội", "Phu Hoi Ward"), wards=("phu-hoi",))],
)


async def _issued(
    session: AsyncSession,
    key: str,
    content: AlertContent,
    *,
    sent: datetime,
    msg_type: MsgType = MsgType.ALERT,
    references: uuid.UUID | None = None,
    stage: Stage = Stage.ISSUED,
    alone: bool = False,
) -> Alert | None:
    """An issued, delivered alert with its audit trail; None when already seeded."""
    alert_id = stable_id("alert", key)
    if await session.get(Alert, alert_id) is not None:
        return None
    drafter, approver = stable_id("user", DRAFTER), stable_id("user", APPROVER)
    alert = Alert(
        id=alert_id,
        identifier=identifier_for(alert_id),
        sender=SENDER,
        sender_name=SENDER_NAME,
        msg_type=msg_type,
        references_id=references,
        stage=stage,
        drafted_by=drafter,
        approved_by=None if alone else approver,
        issued_by=drafter,
        sent=sent,
        created_at=sent - timedelta(minutes=10),
        updated_at=sent,
        delivered_at=sent,
        inbox_delivered_at=sent,
    )
    apply(alert, content)
    session.add(alert)
    await session.flush()
    wards = await resolve_wards(session, alert)
    session.add_all([AlertWard(alert_id=alert.id, ward=w, public=is_public(alert)) for w in wards])
    steps = [(AlertAction.DRAFTED, drafter, sent - timedelta(minutes=10))]
    if not alone:
        steps.append((AlertAction.APPROVED, approver, sent - timedelta(minutes=5)))
    steps.append((AlertAction.ISSUED_ALONE if alone else AlertAction.ISSUED, drafter, sent))
    for action, actor, at in steps:
        session.add(
            AlertEvent(
                id=stable_id("alert-event", f"{key}:{action.value}"),
                alert_id=alert.id,
                actor_id=actor,
                action=action,
                detail={},
                created_at=at,
            )
        )
    await session.flush()
    return alert


async def seed_alerts(session: AsyncSession) -> dict[str, int]:
    now = utcnow()
    added = 0
    flood = replace(FLOOD, onset=now - timedelta(hours=2), expires=now + timedelta(days=2))
    if await _issued(session, "flood-huong", flood, sent=now - timedelta(hours=2)):
        added += 1
    haze = await _issued(session, "haze", HAZE, sent=now - timedelta(days=3), stage=Stage.CANCELLED)
    if haze is not None:
        added += 1
        cleared = replace(
            HAZE,
            urgency=Urgency.PAST,
            severity=Severity.MINOR,
            response_type=ResponseType.ALL_CLEAR,
            headline=Translated.of("Dỡ bỏ cảnh báo: Ô nhiễm không khí", "All clear: Air pollution"),
        )
        await _issued(
            session,
            "haze-cleared",
            cleared,
            sent=now - timedelta(days=2),
            msg_type=MsgType.CANCEL,
            references=haze.id,
        )
        added += 1
    if await _issued(session, "drill", DRILL, sent=now - timedelta(days=1), alone=True):
        added += 1
    return {"alerts": added}

"""Every push the backend can produce matches its published JSON Schema, fits FCM's 4 KB and
carries no personal health details."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import jsonschema
import pytest

from backend.alerts.delivery import push_message
from backend.alerts.models import Alert, MsgType, Severity, Urgency
from backend.business import announcements
from backend.business import notices as business_notices
from backend.business.models import (
    Application,
    MemberRole,
    Membership,
    MembershipStatus,
    Notice,
    Permit,
)
from backend.cards.models import Card, CardKind
from backend.cards.pushes import card_message
from backend.health import notices
from backend.health.models import Appointment, ReminderKind
from backend.i18n import Translated
from backend.schools import notices as school_notices
from backend.schools.admissions import pushes as enrolment_pushes
from backend.schools.admissions.models import EnrolmentApplication, EnrolmentStatus
from backend.schools.models import NoticeKind, SchoolNotice
from backend.tourism import notices as tourism_notices
from backend.tourism.models import EventCategory, EventStatus
from backend.tourism.repository.rows import EventRow
from notifications.messages import InvalidPayload, PushMessage, Text, contract_payload

PUSH = Path(__file__).resolve().parents[2] / "mobile_contract" / "push"


def appointment() -> Appointment:
    return Appointment(
        id=uuid.uuid4(),
        start_at=datetime(2026, 12, 3, 1, 30, tzinfo=UTC),
        queue_number=17,
        reason="đau ngực, khó thở",  # must never reach a push
    )


def event() -> EventRow:
    starts = datetime(2026, 6, 12, 12, 0, tzinfo=UTC)
    return EventRow(
        id=uuid.uuid4(),
        slug="dem-hoang-cung-2026",
        category=EventCategory.PERFORMANCE,
        status=EventStatus.SCHEDULED,
        name=Translated({"vi": "Đêm Hoàng cung", "en": "Royal Palace Night", "ja": "宮廷の夜"}),
        description=Translated({"vi": "…", "en": "…"}),
        organizer="Trung tâm Festival Huế",
        starts_at=starts,
        ends_at=starts.replace(hour=14, minute=30),
        venue_id=None,
        latitude=None,
        longitude=None,
        super_event_id=None,
        is_accessible_for_free=True,
        machine_translated=[],
    )


def every_push() -> list[PushMessage]:
    booked = appointment()
    return [
        tourism_notices.event_reminder(event()),
        tourism_notices.event_moved(event()),
        notices.booked(booked),
        notices.rescheduled(booked),
        notices.cancelled_by_facility(booked),
        notices.reminder(booked, ReminderKind.DAY_BEFORE),
        notices.reminder(booked, ReminderKind.SOON),
        *business_pushes(),
        *traffic_pushes(),
        *card_pushes(),
        *alert_pushes(),
        *school_pushes(),
    ]


def alert_pushes() -> list[PushMessage]:
    """An issued alert, an Update and an all-clear Cancel."""
    texts = Text.of("Lũ trên sông Hương", "Flood on the Huong River")
    return [
        push_message(
            Alert(
                id=uuid.uuid4(),
                msg_type=kind,
                headline=texts,
                instruction=texts,
                urgency=Urgency.IMMEDIATE,
                severity=Severity.EXTREME,
            )
        )
        for kind in MsgType
    ]


def card_pushes() -> list[PushMessage]:
    card = Card(id=uuid.uuid4(), kind=CardKind.CIVIL_SERVANT, card_number="HUE-000301")
    events = ("issued", "suspended", "revoked", "reinstated")
    return [card_message(card, event) for event in events]  # type: ignore[arg-type]


def school_pushes() -> list[PushMessage]:
    """Every school push: an absence, a notice of each kind, a reminder."""
    consent = SchoolNotice(
        id=uuid.uuid4(),
        kind=NoticeKind.CONSENT,
        title=Text.of("Tham quan Đại Nội", "Imperial City visit"),
        due_on=date(2026, 12, 9),
    )
    return [
        school_notices.unexcused_absence(uuid.uuid4(), date(2026, 11, 25)),
        *(school_notices.notice_published(replace_kind(consent, kind)) for kind in NoticeKind),
        school_notices.notice_reminder(consent),
        *(
            enrolment_pushes.status_changed(
                EnrolmentApplication(id=uuid.uuid4(), status=EnrolmentStatus(status.lower()))
            )
            for status in ENROLMENT_PUSHED
        ),
    ]


ENROLMENT_PUSHED = (
    "CORRECTION_REQUESTED",
    "VERIFIED",
    "ADMITTED",
    "WAITLISTED",
    "REJECTED",
    "EXPIRED",
)


def replace_kind(notice: SchoolNotice, kind: NoticeKind) -> SchoolNotice:
    return SchoolNotice(
        id=notice.id,
        kind=kind,
        title=notice.title,
        due_on=notice.due_on if kind is NoticeKind.CONSENT else None,
    )


def business_pushes() -> list[PushMessage]:
    """Every business push: an application in each pushed status, claims, staff, renewals."""
    membership = Membership(id=uuid.uuid4(), role=MemberRole.STAFF, status=MembershipStatus.ACTIVE)
    permit = Permit(id=uuid.uuid4(), number="ATTP-2026-1A2B3C4D", valid_until=date(2029, 3, 9))
    return [
        *(
            business_notices.application_updated(
                Application(id=uuid.uuid4(), status=status, officer_note="Bổ sung sơ đồ")
            )
            for status in business_notices.PUSHED_STATUSES
        ),
        business_notices.claim_decided(membership, approved=True),
        business_notices.staff_added(membership),
        business_notices.renewal_due(permit),
        announcements.pushed(
            Notice(
                id=uuid.uuid4(),
                title=Text.of("Chuẩn bị phòng chống lụt bão", "Prepare for the flood season"),
            )
        ),
    ]


def traffic_pushes() -> list[PushMessage]:
    """A new violation (never its plate or offence), each vehicle decision, a severe incident."""
    from shapely.geometry import LineString

    from backend.traffic import incidents, route_alerts, vehicles, violations
    from backend.traffic.models import (
        Incident,
        IncidentEffect,
        IncidentSeverity,
        IncidentType,
        Vehicle,
        VehicleStatus,
        Violation,
    )
    from backend.traffic.repository.rows import SavedRouteRow

    decided = [
        vehicles.pushed(Vehicle(id=uuid.uuid4(), status=status), outcome)
        for status, outcome in (
            (VehicleStatus.VERIFIED, "verified"),
            (VehicleStatus.REJECTED, "rejected"),
            (VehicleStatus.ENDED, "ended"),
        )
    ]
    incident = Incident(
        id=uuid.uuid4(),
        type=IncidentType.FLOODED_ROAD,
        severity=IncidentSeverity.SEVERE,
        description=Text.of("Ngập sâu 50 cm", "50 cm of water"),
    )
    route = SavedRouteRow(
        id=uuid.uuid4(),
        owner_id=uuid.uuid4(),
        name="Đi làm",
        path=LineString([(107.595, 16.465), (107.6045, 16.457)]),
        road_ids=[],
        active_start=None,
        active_end=None,
        created_at=datetime.now(UTC),
    )
    closure = Incident(
        id=uuid.uuid4(),
        type=IncidentType.CLOSURE,
        severity=IncidentSeverity.SEVERE,
        effect=IncidentEffect.NO_SERVICE,
        description=Text.of("Cấm đường", "Road closed"),
    )
    return [
        violations.pushed(uuid.uuid4(), Violation(id=uuid.uuid4(), plate="75-B1 234.56")),
        *decided,
        incidents.severe_alert(incident),
        route_alerts.route_alert(incident, route),
        route_alerts.route_alert(closure, route),
    ]


def schema_for(message: PushMessage) -> dict[str, object]:
    schema: dict[str, object] = json.loads((PUSH / f"{message.type}.json").read_text())
    return schema


@pytest.mark.parametrize("message", every_push(), ids=lambda m: m.type)
def test_every_push_matches_its_schema(message: PushMessage) -> None:
    message.validate()
    payload = contract_payload(str(uuid.uuid4()), message)

    jsonschema.validate(payload, schema_for(message))
    text = json.dumps(payload, ensure_ascii=False) + message.title.vi + message.body.vi
    assert "đau ngực" not in text
    assert "reason" not in json.dumps(payload)


def test_every_schema_belongs_to_a_push_and_every_push_to_a_schema() -> None:
    assert {path.stem for path in PUSH.glob("*.json")} == {m.type for m in every_push()}


def test_personal_details_in_the_data_are_refused() -> None:
    message = every_push()[0]
    leaking = replace(message, data={**message.data, "reason": "dau-nguc"})

    leaking.validate()  # an id-like value passes the sender's checks…
    with pytest.raises(jsonschema.ValidationError):  # …but not the contract
        jsonschema.validate(contract_payload(str(uuid.uuid4()), leaking), schema_for(message))
    with pytest.raises(InvalidPayload):
        replace(message, data={"reason": "đau ngực, khó thở"}).validate()  # free text never


def test_pushes_above_fcms_4_kb_are_refused() -> None:
    message = every_push()[0]
    huge = replace(message, body=Text.of(vi="x" * 5000, en="x"))
    with pytest.raises(InvalidPayload):
        huge.validate()

"""What reaches a patient's phone (the inbox row each push is sent from): the event, a deep link
and ids only. Nothing about why, with whom or which specialty. Reminders 24 h and 2 h ahead,
each exactly once, never for an appointment that was cancelled or moved."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from backend.db.unit_of_work import UnitOfWork
from backend.health import reminders
from backend.health.localtime import local_clock, local_day
from backend.i18n import Locale
from backend.seed.health import PRACTITIONERS, SPECIALTIES
from backend.seed.hue import PLACES
from notifications.models import Category, Notification
from tests.health.conftest import (
    ADD_CLOSURE,
    ADD_DEPENDANT,
    AN,
    BINH,
    CANCEL,
    CENTRAL,
    CHAU,
    DUNG,
    RESCHEDULE,
    UNIVERSITY,
    book,
    cancel_input,
    facility_gid,
    notifications_of,
    slot_gid,
    slots_of,
    uuid_of,
)
from tests.support.clock import Clock
from tests.support.graphql import data
from tests.support.sessions import token

REASON = "Đau ngực khi gắng sức, tiền sử tăng huyết áp"
CHILD_NAME = "Nguyễn Bảo Ngọc"
# Words that must never reach a lock screen or a push payload.
PRIVATE = [
    REASON,
    CHILD_NAME,
    *(name for _, vi, en in SPECIALTIES for name in (vi, en)),
    *(code for code, _, _ in SPECIALTIES),
    *(doctor.full_name for doctor in PRACTITIONERS),
    *(name for place in PLACES for name in (place.name_vi, place.name_en)),
]


def assert_only_ids(notification: Notification, appointment_gid: str) -> None:
    appointment_id = str(uuid_of(appointment_gid))
    assert notification.category is Category.HEALTH
    assert notification.deep_link == f"citizenhub://appointments/{appointment_id}"
    assert notification.data == {"appointmentId": appointment_id}
    texts = [*notification.title.texts.values(), *notification.body.texts.values()]
    for locale in Locale:
        assert notification.title.get(locale).strip()
        assert notification.body.get(locale).strip()
    everything = " ".join(
        [
            *texts,
            notification.deep_link,
            repr(notification.data),
        ]
    )
    for word in PRIVATE:
        assert not re.search(rf"\b{re.escape(word)}\b", everything, re.IGNORECASE), word


def summary(notifications: list[Notification]) -> list[tuple[str, str, str]]:
    return [(n.type, n.title.vi, n.title.en) for n in notifications]


async def test_booking_and_a_facility_cancellation_are_pushed_without_details(
    seeded: Any, clock: Clock
) -> None:
    an, dung = await token(seeded, AN), await token(seeded, DUNG)
    slot = (await slots_of(seeded, CENTRAL, "cardiology"))[0]
    clock.set(slot.start_at - timedelta(days=2))

    own = await book(seeded, an, slot, reason=REASON)

    [confirmation] = await notifications_of(seeded, AN)
    assert summary([confirmation]) == [
        ("appointment.booked", "Đã đặt lịch khám", "Appointment booked")
    ]
    assert_only_ids(confirmation, own["id"])
    when = local_clock(slot.start_at)
    assert confirmation.body.vi == f"Lịch hẹn lúc {when}, số thứ tự 1."
    assert confirmation.body.en == f"Your appointment is at {when}, queue number 1."
    assert confirmation.created_at == clock.now()

    clock.set(slot.start_at - timedelta(hours=1))
    data(await seeded(CANCEL, cancel_input(own, "Bác sĩ Hoa nghỉ ốm"), token=dung))

    confirmation, cancellation = await notifications_of(seeded, AN)
    assert summary([cancellation]) == [
        ("appointment.cancelled", "Lịch khám đã bị hủy", "Appointment cancelled")
    ]
    assert_only_ids(cancellation, own["id"])
    assert "Bác sĩ Hoa nghỉ ốm" not in cancellation.body.vi + cancellation.body.en
    # Only the patient heard of it.
    assert await notifications_of(seeded, DUNG) == []


async def test_a_patient_cancelling_is_not_pushed_back_to_them(seeded: Any) -> None:
    an = await token(seeded, AN)
    own = await book(seeded, an, (await slots_of(seeded, CENTRAL, "general-internal"))[0])
    data(await seeded(CANCEL, cancel_input(own), token=an))

    assert [n.type for n in await notifications_of(seeded, AN)] == ["appointment.booked"]


async def test_a_closure_tells_each_patient_it_cancels(seeded: Any, clock: Clock) -> None:
    an, binh, chau = await token(seeded, AN), await token(seeded, BINH), await token(seeded, CHAU)
    dung = await token(seeded, DUNG)
    slot = (await slots_of(seeded, CENTRAL, "pediatrics", practitioner=False))[0]
    day = local_day(slot.start_at)
    clock.set(slot.start_at - timedelta(days=1))
    child = data(
        await seeded(
            ADD_DEPENDANT,
            {
                "input": {
                    "fullName": CHILD_NAME,
                    "dateOfBirth": "2019-05-04",
                    "relationship": "CHILD",
                }
            },
            token=an,
        )
    )["addDependant"]
    own = await book(seeded, an, slot)
    childs = await book(seeded, an, slot, dependant=child["id"], reason=REASON)
    hers = await book(seeded, binh, slot)
    elsewhere = next(
        s
        for s in await slots_of(seeded, UNIVERSITY, "general-internal")
        if local_day(s.start_at) == day
    )
    untouched = await book(seeded, chau, elsewhere)

    closure = data(
        await seeded(
            ADD_CLOSURE,
            {
                "input": {
                    "facilityId": facility_gid(CENTRAL),
                    "startsOn": day.isoformat(),
                    "endsOn": day.isoformat(),
                    "reasonVi": "Mất điện toàn bệnh viện",
                    "reasonEn": "Hospital-wide power cut",
                }
            },
            token=dung,
        )
    )["addClosure"]
    assert closure["cancelledAppointments"] == 3

    an_inbox = await notifications_of(seeded, AN)
    cancelled = [n for n in an_inbox if n.type == "appointment.cancelled"]
    assert sorted(n.data["appointmentId"] for n in cancelled) == sorted(
        str(uuid_of(a["id"])) for a in (own, childs)
    )
    by_id = {str(uuid_of(appointment["id"])): appointment for appointment in (own, childs)}
    for notification in cancelled:
        assert_only_ids(notification, by_id[notification.data["appointmentId"]]["id"])
        assert "Mất điện" not in notification.body.vi
    [her_cancel] = [
        n for n in await notifications_of(seeded, BINH) if n.type == "appointment.cancelled"
    ]
    assert_only_ids(her_cancel, hers["id"])
    assert [n.type for n in await notifications_of(seeded, CHAU)] == ["appointment.booked"]
    assert untouched["status"] == "BOOKED"


async def test_a_move_is_pushed_with_the_new_appointment(seeded: Any) -> None:
    an = await token(seeded, AN)
    desk = await slots_of(seeded, CENTRAL, "general-internal")
    own = await book(seeded, an, desk[0], reason=REASON)

    moved = data(
        await seeded(
            RESCHEDULE,
            {"input": {"appointmentId": own["id"], "newSlotId": slot_gid(desk[5])}},
            token=an,
        )
    )["rescheduleAppointment"]

    booked, rescheduled = await notifications_of(seeded, AN)
    assert summary([booked, rescheduled]) == [
        ("appointment.booked", "Đã đặt lịch khám", "Appointment booked"),
        ("appointment.rescheduled", "Đã đổi lịch khám", "Appointment moved"),
    ]
    assert_only_ids(booked, own["id"])
    assert_only_ids(rescheduled, moved["id"])
    assert rescheduled.body.en == (
        f"Your new time is {local_clock(desk[5].start_at)}, queue number {moved['queueNumber']}."
    )


async def run_reminders(api: Any, now: datetime) -> tuple[int, int]:
    async with UnitOfWork(api.sessions, api.app.state.services.celery) as uow:
        return await reminders.send_due(uow, now=now)


async def test_reminders_a_day_and_two_hours_ahead_exactly_once(seeded: Any, clock: Clock) -> None:
    an, binh, chau = await token(seeded, AN), await token(seeded, BINH), await token(seeded, CHAU)
    dung = await token(seeded, DUNG)  # booking as a patient here
    by_day: dict[Any, Any] = {}
    for slot in await slots_of(seeded, CENTRAL, "general-internal"):
        by_day.setdefault(local_day(slot.start_at), slot)
    # Mornings two days apart, so that each one's reminders fall after the previous one's.
    first, moved_to, late, outage, missed = list(by_day.values())[0:10:2]
    clock.set(first.start_at - timedelta(days=3))
    kept = await book(seeded, an, first, reason=REASON)
    dropped = await book(seeded, binh, first)
    data(await seeded(CANCEL, cancel_input(dropped), token=binh))
    before_move = await book(seeded, chau, first)
    after_move = data(
        await seeded(
            RESCHEDULE,
            {"input": {"appointmentId": before_move["id"], "newSlotId": slot_gid(moved_to)}},
            token=chau,
        )
    )["rescheduleAppointment"]
    late_for_worker = await book(seeded, dung, outage)
    never_reminded = await book(seeded, dung, missed)

    def reminders_of(inbox: list[Notification]) -> list[tuple[datetime, str, str]]:
        return [
            (n.created_at, n.title.en, n.data["appointmentId"])
            for n in inbox
            if n.type == "appointment.reminder"
        ]

    day_before = first.start_at - timedelta(hours=24)
    assert await run_reminders(seeded, day_before - timedelta(seconds=1)) == (0, 0)
    # Three reminders fall due; only the one of the appointment still booked is pushed.
    assert await run_reminders(seeded, day_before) == (3, 1)
    assert await run_reminders(seeded, day_before) == (0, 0)
    soon = first.start_at - timedelta(hours=2)
    assert await run_reminders(seeded, soon - timedelta(seconds=1)) == (0, 0)
    assert await run_reminders(seeded, soon) == (3, 1)
    assert await run_reminders(seeded, soon) == (0, 0)
    # The moved appointment is reminded at its own new time.
    assert await run_reminders(seeded, moved_to.start_at - timedelta(hours=24)) == (1, 1)
    assert await run_reminders(seeded, moved_to.start_at - timedelta(hours=2)) == (1, 1)
    assert await run_reminders(seeded, moved_to.start_at - timedelta(hours=2)) == (0, 0)

    assert reminders_of(await notifications_of(seeded, AN)) == [
        (day_before, "Appointment tomorrow", str(uuid_of(kept["id"]))),
        (soon, "Appointment soon", str(uuid_of(kept["id"]))),
    ]
    assert reminders_of(await notifications_of(seeded, BINH)) == []
    assert reminders_of(await notifications_of(seeded, CHAU)) == [
        (
            moved_to.start_at - timedelta(hours=24),
            "Appointment tomorrow",
            str(uuid_of(after_move["id"])),
        ),
        (
            moved_to.start_at - timedelta(hours=2),
            "Appointment soon",
            str(uuid_of(after_move["id"])),
        ),
    ]
    for phone, appointment in ((AN, kept), (CHAU, after_move)):
        for notification in await notifications_of(seeded, phone):
            if notification.type == "appointment.reminder":
                assert_only_ids(notification, appointment["id"])
                assert notification.title.vi in {"Ngày mai bạn có lịch khám", "Sắp đến giờ khám"}

    # Booked 20 hours ahead: the confirmation said when; only the 2-hour reminder remains.
    clock.set(late.start_at - timedelta(hours=20))
    short_notice = await book(seeded, binh, late)
    assert await run_reminders(seeded, late.start_at - timedelta(hours=3)) == (0, 0)
    assert await run_reminders(seeded, late.start_at - timedelta(hours=2)) == (1, 1)
    assert reminders_of(await notifications_of(seeded, BINH)) == [
        (late.start_at - timedelta(hours=2), "Appointment soon", str(uuid_of(short_notice["id"])))
    ]

    # A worker down for a day: both reminders are due at once and only the later is pushed;
    # down past the start, none is.
    woke = outage.start_at - timedelta(hours=1)
    assert await run_reminders(seeded, woke) == (2, 1)
    assert await run_reminders(seeded, missed.start_at + timedelta(minutes=5)) == (2, 0)
    assert reminders_of(await notifications_of(seeded, DUNG)) == [
        (woke, "Appointment soon", str(uuid_of(late_for_worker["id"])))
    ]
    assert never_reminded["status"] == "BOOKED"
    assert await run_reminders(seeded, missed.start_at + timedelta(days=30)) == (0, 0)

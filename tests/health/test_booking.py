"""The booking flow a citizen and a facility's desk go through: book for oneself or a child,
queue numbers, what each person sees, cancelling, moving, checking in, no-shows and the limit on
upcoming appointments. Every refusal leaves the database as it was."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, inspect

from backend.health.localtime import local_day
from backend.health.models import Appointment
from backend.health.repository.appointments import AppointmentRow
from tests.health.conftest import (
    ADD_DEPENDANT,
    AN,
    APPOINTMENT_NODE,
    BINH,
    BOOK,
    CANCEL,
    CENTRAL,
    CHAU,
    CHECK_IN,
    COMPLETE,
    DEPENDANT_NODE,
    DUNG,
    MY_APPOINTMENTS,
    NO_SHOW,
    PHU_HOI,
    RESCHEDULE,
    access_log,
    add_citizens,
    assert_seats_consistent,
    book,
    book_input,
    cancel_input,
    facility_gid,
    mine,
    slot_gid,
    slot_row,
    slots_of,
    uuid_of,
)
from tests.support.clock import Clock
from tests.support.graphql import data
from tests.support.sessions import mint_tokens, token
from tests.support.snapshots import refused

CHILD = {"fullName": "  Nguyễn   Bảo Ngọc ", "dateOfBirth": "2019-05-04", "relationship": "CHILD"}


async def test_booking_for_oneself_and_a_child_with_queue_numbers(seeded: Any) -> None:
    an, binh = await token(seeded, AN), await token(seeded, BINH)
    child = data(await seeded(ADD_DEPENDANT, {"input": CHILD}, token=an))["addDependant"]
    assert {key: child[key] for key in ("fullName", "dateOfBirth", "relationship")} == {
        "fullName": "Nguyễn Bảo Ngọc",
        "dateOfBirth": "2019-05-04",
        "relationship": "CHILD",
    }
    slot = (await slots_of(seeded, CENTRAL, "pediatrics", practitioner=False))[0]
    day = local_day(slot.start_at)

    own = await book(seeded, an, slot, reason="  Ho kéo dài ")
    childs = await book(seeded, an, slot, dependant=child["id"], reason="Sốt")
    hers = await book(seeded, binh, slot)

    assert [own["queueNumber"], childs["queueNumber"], hers["queueNumber"]] == [1, 2, 3]
    assert [own["slot"]["remaining"], childs["slot"]["remaining"], hers["slot"]["remaining"]] == [
        2,
        1,
        0,
    ]
    assert own["status"] == "BOOKED"
    assert own["reason"] == "Ho kéo dài"
    assert own["day"] == day.isoformat()
    assert own["facility"] == {"id": facility_gid(CENTRAL)}
    assert own["patient"] == {"isAccountHolder": True, "dependant": None}
    assert childs["patient"] == {
        "isAccountHolder": False,
        "dependant": {"id": child["id"], "fullName": "Nguyễn Bảo Ngọc"},
    }

    # Right after the child's visit, the same day, another desk: the day's queue goes on.
    general = await slots_of(seeded, CENTRAL, "general-internal")
    after = next(s for s in general if s.start_at == slot.end_at)
    following = await book(seeded, an, after)
    assert following["queueNumber"] == 4
    # Another day, or another facility, starts again from 1.
    next_day = next(s for s in general if local_day(s.start_at) > day)
    assert (await book(seeded, binh, next_day))["queueNumber"] == 1
    station = next(
        s
        for s in await slots_of(seeded, PHU_HOI, "family-medicine")
        if local_day(s.start_at) == day and s.start_at >= slot.end_at
    )
    assert (await book(seeded, binh, station))["queueNumber"] == 1
    # A cancelled number is not given again.
    data(await seeded(CANCEL, cancel_input(own), token=an))
    assert (await book(seeded, await token(seeded, CHAU), slot))["queueNumber"] == 5

    # Each account sees its own and its dependants' appointments, latest first.
    same_start = sorted([own, childs], key=lambda node: uuid_of(node["id"]), reverse=True)
    assert [(node["id"], node["status"]) for node in await mine(seeded, an)] == [
        (following["id"], "BOOKED"),
        *((node["id"], "CANCELLED" if node is own else "BOOKED") for node in same_start),
    ]
    assert [(node["queueNumber"], node["facility"]["id"]) for node in await mine(seeded, binh)] == [
        (1, facility_gid(CENTRAL)),
        (1, facility_gid(PHU_HOI)),
        (3, facility_gid(CENTRAL)),
    ]
    assert [node["id"] for node in await mine(seeded, an, status="CANCELLED")] == [own["id"]]
    assert [node["id"] for node in await mine(seeded, an, status="FULFILLED")] == []
    # Page by page, the same list.
    pages, after = [], None
    while True:
        connection = data(await seeded(MY_APPOINTMENTS, {"first": 1, "after": after}, token=an))
        page = connection["viewer"]["appointments"]
        pages += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == [node["id"] for node in await mine(seeded, an)]
    await assert_seats_consistent(seeded)


async def test_nobody_else_sees_or_touches_a_citizens_appointments(seeded: Any) -> None:
    an, chau = await token(seeded, AN), await token(seeded, CHAU)
    child = data(await seeded(ADD_DEPENDANT, {"input": CHILD}, token=an))["addDependant"]
    slots = await slots_of(seeded, CENTRAL, "general-internal")
    own = await book(seeded, an, slots[0])
    childs = await book(seeded, an, slots[1], dependant=child["id"])

    assert await mine(seeded, chau) == []
    for appointment in (own, childs):
        body = await seeded(APPOINTMENT_NODE, {"id": appointment["id"]}, token=chau)
        assert data(body) == {"node": None}
        error = await refused(seeded, CANCEL, cancel_input(appointment), chau)
        assert error["extensions"] == {"code": "NOT_FOUND", "field": "input.appointmentId"}
        assert error["message"] == "Appointment not found."
        error = await refused(
            seeded,
            RESCHEDULE,
            {"input": {"appointmentId": appointment["id"], "newSlotId": slot_gid(slots[2])}},
            chau,
        )
        assert error["extensions"] == {"code": "NOT_FOUND", "field": "input.appointmentId"}
    # Booking for someone else's child is as if the child did not exist.
    error = await refused(seeded, BOOK, book_input(slots[3], dependant=child["id"]), chau)
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "input.patient"}
    assert data(await seeded("{ viewer { dependants { id } } }", token=chau)) == {
        "viewer": {"dependants": []}
    }
    assert data(await seeded(DEPENDANT_NODE, {"id": child["id"]}, token=chau)) == {"node": None}
    assert data(await seeded(DEPENDANT_NODE, {"id": child["id"]}, token=an)) == {
        "node": {"id": child["id"], "fullName": "Nguyễn Bảo Ngọc"}
    }
    # Without signing in, nothing at all.
    body = await seeded(APPOINTMENT_NODE, {"id": own["id"]})
    assert data(body) == {"node": None}

    # The owner sees both, the latest first, and the child by name.
    listed = await mine(seeded, an)
    assert [node["id"] for node in listed] == [childs["id"], own["id"]]
    assert listed[0]["patient"]["dependant"]["fullName"] == "Nguyễn Bảo Ngọc"
    assert (
        data(await seeded(APPOINTMENT_NODE, {"id": own["id"]}, token=an))["node"]["id"] == own["id"]
    )
    assert await access_log(seeded) == []


async def test_citizen_cancels_until_the_cutoff_and_staff_at_any_time(
    seeded: Any, clock: Clock
) -> None:
    an, binh, dung = await token(seeded, AN), await token(seeded, BINH), await token(seeded, DUNG)
    slot = (await slots_of(seeded, CENTRAL, "pediatrics", practitioner=False))[0]
    start = slot.start_at
    clock.set(start - timedelta(days=1))
    own = await book(seeded, an, slot)
    hers = await book(seeded, binh, slot)

    clock.set(start - timedelta(hours=2))  # exactly the cut-off: still allowed
    cancelled = data(await seeded(CANCEL, cancel_input(own), token=an))["cancelAppointment"]
    assert (cancelled["status"], cancelled["cancelledBy"]) == ("CANCELLED", "PATIENT")
    assert cancelled["cancellationReason"] is None
    assert cancelled["slot"]["remaining"] == 2

    clock.set(start - timedelta(hours=2) + timedelta(seconds=1))
    error = await refused(seeded, CANCEL, cancel_input(hers), binh)
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.appointmentId"}
    assert error["message"] == (
        "Appointments can be cancelled or moved up to 120 minutes before they start."
    )
    later = (await slots_of(seeded, CENTRAL, "pediatrics", after=start))[0]
    error = await refused(
        seeded,
        RESCHEDULE,
        {"input": {"appointmentId": hers["id"], "newSlotId": slot_gid(later)}},
        binh,
    )
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.appointmentId"}
    # Cancelling twice is refused too.
    error = await refused(seeded, CANCEL, cancel_input(own), an)
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.appointmentId"}

    # The desk may cancel even after the start, but must say why.
    clock.set(start + timedelta(minutes=10))
    for blank in (None, "   "):
        error = await refused(seeded, CANCEL, cancel_input(hers, blank), dung)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.reason"}
        assert error["message"] == "Reason is required."
    by_desk = data(await seeded(CANCEL, cancel_input(hers, " Bác sĩ nghỉ đột xuất "), token=dung))[
        "cancelAppointment"
    ]
    assert (by_desk["status"], by_desk["cancelledBy"]) == ("CANCELLED", "FACILITY")
    assert by_desk["cancellationReason"] == "Bác sĩ nghỉ đột xuất"

    assert [
        (n["status"], n["cancelledBy"], n["cancellationReason"]) for n in await mine(seeded, binh)
    ] == [("CANCELLED", "FACILITY", "Bác sĩ nghỉ đột xuất")]
    assert (await slot_row(seeded, slot.id)).booked == 0
    assert [entry[1:] for entry in await access_log(seeded)] == [("cancel", hers["id"])]
    await assert_seats_consistent(seeded)


async def test_check_in_complete_and_no_show(seeded: Any, clock: Clock) -> None:
    an, binh, dung = await token(seeded, AN), await token(seeded, BINH), await token(seeded, DUNG)
    slot = (await slots_of(seeded, CENTRAL, "pediatrics", practitioner=False))[0]
    start = slot.start_at
    clock.set(start - timedelta(days=1))
    own = await book(seeded, an, slot)
    hers = await book(seeded, binh, slot)

    # A patient cannot check themselves in.
    error = await refused(seeded, CHECK_IN, {"id": own["id"]}, an)
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "input.appointmentId"}

    clock.set(start - timedelta(minutes=30))
    checked_in = data(await seeded(CHECK_IN, {"id": own["id"]}, token=dung))
    assert checked_in == {"checkInAppointment": {"id": own["id"], "status": "ARRIVED"}}
    # Arrived is no longer cancellable by the patient, nor completable twice later.
    error = await refused(seeded, CANCEL, cancel_input(own), an)
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.appointmentId"}
    # Before the start, nobody is a no-show yet.
    error = await refused(seeded, NO_SHOW, {"id": hers["id"]}, dung)
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.appointmentId"}
    assert error["message"] == "A no-show can be recorded only once the appointment has started."
    # Completing someone who has not arrived is refused.
    error = await refused(seeded, COMPLETE, {"id": hers["id"]}, dung)
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.appointmentId"}

    clock.set(start + timedelta(minutes=15))
    completed = data(await seeded(COMPLETE, {"id": own["id"]}, token=dung))
    assert completed == {"completeAppointment": {"id": own["id"], "status": "FULFILLED"}}
    error = await refused(seeded, COMPLETE, {"id": own["id"]}, dung)
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.appointmentId"}
    no_show = data(await seeded(NO_SHOW, {"id": hers["id"]}, token=dung))
    assert no_show == {"markNoShow": {"id": hers["id"], "status": "NOSHOW"}}
    error = await refused(seeded, CHECK_IN, {"id": hers["id"]}, dung)
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.appointmentId"}

    assert [node["status"] for node in await mine(seeded, an)] == ["FULFILLED"]
    assert [node["status"] for node in await mine(seeded, binh)] == ["NOSHOW"]
    # A no-show's seat was not given to anyone else: both seats stay counted.
    assert (await slot_row(seeded, slot.id)).booked == 2
    await assert_seats_consistent(seeded)
    assert [entry[1:] for entry in await access_log(seeded)] == [
        ("check_in", own["id"]),
        ("complete", own["id"]),
        ("no_show", hers["id"]),
    ]


@pytest.mark.parametrize("settings_overrides", [{"HEALTH_MAX_UPCOMING_APPOINTMENTS": 2}])
async def test_an_account_holds_a_limited_number_of_upcoming_appointments(
    seeded: Any, clock: Clock
) -> None:
    an = await token(seeded, AN)
    child = data(await seeded(ADD_DEPENDANT, {"input": CHILD}, token=an))["addDependant"]
    days: dict[Any, Any] = {}
    for slot in await slots_of(seeded, CENTRAL, "general-internal"):
        days.setdefault(local_day(slot.start_at), slot)
    first, second, third, fourth = list(days.values())[:4]
    clock.set(first.start_at - timedelta(days=1))
    own = await book(seeded, an, first)
    await book(seeded, an, second, dependant=child["id"])  # a child's booking counts too

    error = await refused(seeded, BOOK, book_input(third), an)
    assert error["extensions"] == {"code": "CONFLICT"}
    assert error["message"] == "An account may hold at most 2 upcoming appointments."
    error = await refused(seeded, BOOK, book_input(third, dependant=child["id"]), an)
    assert error["extensions"] == {"code": "CONFLICT"}

    # Cancelling one frees a place.
    data(await seeded(CANCEL, cancel_input(own), token=an))
    await book(seeded, an, third)
    error = await refused(seeded, BOOK, book_input(fourth), an)
    assert error["extensions"] == {"code": "CONFLICT"}
    # So does time: an appointment that has started is no longer upcoming.
    clock.set(second.start_at + timedelta(minutes=1))
    await book(seeded, an, fourth)
    assert len(await mine(seeded, an)) == 4
    await assert_seats_consistent(seeded)


async def test_simultaneous_bookings_never_oversell_a_slot(seeded: Any) -> None:
    """The PostgreSQL test races 200 patients; SQLite takes one writer at a time and must
    come to the same answer."""
    slot = (await slots_of(seeded, CENTRAL, "pediatrics", practitioner=False))[0]
    patients = await add_citizens(seeded, 30, "$argon2id$v=19$m=65536,t=3,p=4$unused")
    bearers = await mint_tokens(seeded, patients)

    answers = await asyncio.gather(
        *(seeded(BOOK, book_input(slot), token=bearer, language="en") for bearer in bearers)
    )

    booked = sorted(
        a["data"]["bookAppointment"]["queueNumber"] for a in answers if not a.get("errors")
    )
    assert booked == [1, 2, 3]
    assert Counter(
        (error["extensions"]["code"], error["extensions"].get("field"))
        for answer in answers
        for error in answer.get("errors") or []
    ) == {("CONFLICT", "input.slotId"): 27}
    assert (await slot_row(seeded, slot.id)).booked == 3
    await assert_seats_consistent(seeded)


async def test_a_full_slot_is_refused_without_a_transaction(seeded: Any) -> None:
    """In a rush for the last seats, those who are too late are told so from the request's read
    connection: they never take a connection for a transaction, so they never wait for the
    winners' locks."""
    slot = (await slots_of(seeded, CENTRAL, "pediatrics", practitioner=False))[0]
    patients = await add_citizens(seeded, 4, "$argon2id$v=19$m=65536,t=3,p=4$unused")
    bearers = await mint_tokens(seeded, patients)
    for bearer in bearers[:3]:
        await book(seeded, bearer, slot)
    engine = seeded.app.state.engine.sync_engine
    # No read connection kept from the bookings before: the request checks one out.
    await seeded.app.state.services.read_connections.close()
    checkouts = []

    def checked_out(*_: Any) -> None:
        checkouts.append(len(checkouts))

    event.listen(engine, "checkout", checked_out)
    try:
        answer = await seeded(BOOK, book_input(slot), token=bearers[3], language="en")
    finally:
        event.remove(engine, "checkout", checked_out)
    assert answer["data"] == {"bookAppointment": None}
    assert [error["extensions"] for error in answer["errors"]] == [
        {"code": "CONFLICT", "field": "input.slotId"}
    ]
    assert len(checkouts) == 1  # the request's read connection, and no other
    assert (await slot_row(seeded, slot.id)).booked == 3
    assert await mine(seeded, bearers[3]) == []


def test_a_listed_appointment_holds_every_column_of_an_appointment() -> None:
    # Lists read rows, single appointments entities: both must answer every field alike.
    columns = {column.key for column in inspect(Appointment).column_attrs}
    assert set(AppointmentRow._fields) == columns

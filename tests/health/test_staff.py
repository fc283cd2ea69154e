"""Moving an appointment atomically, overlapping bookings, what staff may do and the trail
their reads leave."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from backend.health.localtime import local_day
from tests.health.conftest import (
    ADD_AVAILABILITY,
    ADD_CLOSURE,
    AN,
    APPOINTMENT_NODE,
    BINH,
    BOOK,
    CANCEL,
    CENTRAL,
    CHAU,
    CHECK_IN,
    COMPLETE,
    DUNG,
    FACILITY_DAY,
    INTERNATIONAL,
    NO_SHOW,
    PHU_HOI,
    RESCHEDULE,
    UNIVERSITY,
    access_log,
    assert_seats_consistent,
    book,
    book_input,
    facility_gid,
    make_staff,
    mine,
    slot_gid,
    slot_row,
    slots_of,
    user_uuid,
    uuid_of,
)
from tests.support.clock import Clock
from tests.support.graphql import data, only_error
from tests.support.sessions import token
from tests.support.snapshots import refused


def move(appointment: dict[str, Any], slot: Any) -> dict[str, Any]:
    return {"input": {"appointmentId": appointment["id"], "newSlotId": slot_gid(slot)}}


async def test_moving_an_appointment_is_all_or_nothing(seeded: Any, clock: Clock) -> None:
    an, binh = await token(seeded, AN), await token(seeded, BINH)
    desk = await slots_of(seeded, CENTRAL, "general-internal")
    cardiology = await slots_of(seeded, CENTRAL, "cardiology")  # one seat each
    original = desk[0]
    clock.set(original.start_at - timedelta(days=1))
    own = await book(seeded, an, original, reason="Khám định kỳ")
    await book(seeded, binh, cardiology[0])
    elsewhere = await book(
        seeded, an, (await slots_of(seeded, INTERNATIONAL, "general-internal"))[0]
    )

    # The new slot is full: the old booking stays exactly as it was.
    error = await refused(seeded, RESCHEDULE, move(own, cardiology[0]), an)
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.newSlotId"}
    assert error["message"] == "This time slot is fully booked. Please choose another."
    error = await refused(seeded, RESCHEDULE, move(own, original), an)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.newSlotId"}
    assert error["message"] == "Choose a time slot other than the current one."
    other_facility = (await slots_of(seeded, UNIVERSITY, "general-internal"))[0]
    error = await refused(seeded, RESCHEDULE, move(own, other_facility), an)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.newSlotId"}
    assert error["message"] == "An appointment can only move to another slot of the same facility."
    busy = next(s for s in desk if s.start_at == datetime.fromisoformat(elsewhere["start"]))
    error = await refused(seeded, RESCHEDULE, move(own, busy), an)
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.newSlotId"}
    assert error["message"] == "The patient already has an appointment at this time."
    assert [node["status"] for node in await mine(seeded, an)].count("BOOKED") == 2

    # A free seat: the new appointment replaces the old in one step.
    target = desk[3]
    moved = data(await seeded(RESCHEDULE, move(own, target), token=an))["rescheduleAppointment"]
    assert moved["status"] == "BOOKED"
    assert moved["slot"] == {"id": slot_gid(target), "remaining": target.capacity - 1}
    assert moved["reason"] == "Khám định kỳ"
    # The next number of that day at Huế Central (where Bình may have a number too).
    same_day = local_day(cardiology[0].start_at) == local_day(target.start_at)
    assert moved["queueNumber"] == (3 if same_day else 2)
    listed = {node["id"]: node for node in await mine(seeded, an)}
    assert listed[own["id"]]["status"] == "CANCELLED"
    assert listed[own["id"]]["cancelledBy"] == "PATIENT"
    assert listed[own["id"]]["replacedById"] == moved["id"]
    assert (await slot_row(seeded, original.id)).booked == 0
    # The old one cannot be moved again.
    error = await refused(seeded, RESCHEDULE, move(own, desk[4]), an)
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.appointmentId"}
    await assert_seats_consistent(seeded)


async def test_overlapping_appointments_are_refused(seeded: Any) -> None:
    an = await token(seeded, AN)
    central = await slots_of(seeded, CENTRAL, "general-internal", practitioner=False)
    international = await slots_of(seeded, INTERNATIONAL, "general-internal")
    # The same half hour at two hospitals.
    pair = next(
        (mine_slot, there)
        for mine_slot in central
        for there in international
        if there.start_at == mine_slot.start_at
    )
    await book(seeded, an, pair[0])
    error = await refused(seeded, BOOK, book_input(pair[1]), an)
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.slotId"}
    assert error["message"] == "The patient already has an appointment at this time."

    # Partly overlapping: a 20-minute cardiology slot against a 30-minute one at the station.
    cardiology = await slots_of(seeded, CENTRAL, "cardiology")
    station = await slots_of(seeded, PHU_HOI, "pediatrics")
    half = next(
        (heart, child)
        for heart in cardiology
        for child in station
        if child.start_at < heart.start_at < child.end_at
    )
    await book(seeded, an, half[1])
    error = await refused(seeded, BOOK, book_input(half[0]), an)
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.slotId"}

    # Back to back is fine.
    following = next(s for s in central if s.start_at == pair[0].end_at)
    await book(seeded, an, following)
    assert len(await mine(seeded, an)) == 3
    await assert_seats_consistent(seeded)


async def test_staff_of_another_facility_can_do_nothing_here(seeded: Any) -> None:
    await make_staff(seeded, CHAU, UNIVERSITY)
    an, chau = await token(seeded, AN), await token(seeded, CHAU)
    slot = (await slots_of(seeded, CENTRAL, "general-internal"))[0]
    appointment = await book(seeded, an, slot, reason="Đau đầu")
    day = local_day(slot.start_at).isoformat()

    error = await refused(
        seeded, FACILITY_DAY, {"facility": facility_gid(CENTRAL), "day": day}, chau
    )
    assert error["extensions"] == {"code": "FORBIDDEN"}
    for document in (CHECK_IN, COMPLETE, NO_SHOW):
        error = await refused(seeded, document, {"id": appointment["id"]}, chau)
        assert error["extensions"] == {"code": "NOT_FOUND", "field": "input.appointmentId"}
    error = await refused(
        seeded,
        CANCEL,
        {"input": {"appointmentId": appointment["id"], "reason": "Hết bác sĩ"}},
        chau,
    )
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "input.appointmentId"}
    error = await refused(
        seeded,
        ADD_CLOSURE,
        {
            "input": {
                "facilityId": facility_gid(CENTRAL),
                "startsOn": day,
                "endsOn": day,
                "reasonVi": "Nghỉ",
            }
        },
        chau,
    )
    assert error["extensions"] == {"code": "FORBIDDEN"}
    error = await refused(
        seeded,
        ADD_AVAILABILITY,
        {
            "input": {
                "facilityId": facility_gid(CENTRAL),
                "specialty": "ent",
                "weekday": "SUNDAY",
                "start": "08:00",
                "end": "10:00",
                "slotMinutes": 30,
                "capacity": 2,
            }
        },
        chau,
    )
    assert error["extensions"] == {"code": "FORBIDDEN"}
    assert data(await seeded(APPOINTMENT_NODE, {"id": appointment["id"]}, token=chau)) == {
        "node": None
    }
    # A citizen is not staff anywhere; without a token nobody is anyone.
    error = await refused(seeded, FACILITY_DAY, {"facility": facility_gid(CENTRAL), "day": day}, an)
    assert error["extensions"] == {"code": "FORBIDDEN"}
    body = await seeded(FACILITY_DAY, {"facility": facility_gid(CENTRAL), "day": day})
    assert only_error(body)["extensions"] == {"code": "UNAUTHENTICATED"}

    # At their own hospital they see its (empty) queue.
    own_queue = data(
        await seeded(FACILITY_DAY, {"facility": facility_gid(UNIVERSITY), "day": day}, token=chau)
    )
    assert own_queue["facilityAppointments"]["edges"] == []
    assert [node["status"] for node in await mine(seeded, an)] == ["BOOKED"]
    assert await access_log(seeded) == []


async def test_every_staff_read_of_an_appointment_is_logged(seeded: Any) -> None:
    an, binh, dung = await token(seeded, AN), await token(seeded, BINH), await token(seeded, DUNG)
    slot = (await slots_of(seeded, CENTRAL, "pediatrics", practitioner=False))[0]
    day = local_day(slot.start_at).isoformat()
    first = await book(seeded, an, slot, reason="Ho")
    second = await book(seeded, binh, slot, reason="Sốt")
    away = await book(seeded, an, (await slots_of(seeded, UNIVERSITY, "general-internal"))[-1])
    staff = user_uuid(DUNG)

    queue = data(
        await seeded(FACILITY_DAY, {"facility": facility_gid(CENTRAL), "day": day}, token=dung)
    )["facilityAppointments"]
    assert [
        (n["id"], n["queueNumber"], n["reason"]) for n in (e["node"] for e in queue["edges"])
    ] == [
        (first["id"], 1, "Ho"),
        (second["id"], 2, "Sốt"),
    ]
    assert sorted(await access_log(seeded)) == sorted(
        [(staff, "read", first["id"]), (staff, "read", second["id"])]
    )

    # One appointment by id: one more line. Another facility's: nothing shown, nothing logged.
    node = data(await seeded(APPOINTMENT_NODE, {"id": first["id"]}, token=dung))["node"]
    assert (node["id"], node["reason"]) == (first["id"], "Ho")
    assert data(await seeded(APPOINTMENT_NODE, {"id": away["id"]}, token=dung)) == {"node": None}
    # Paging logs only what each page shows.
    page = data(
        await seeded(
            FACILITY_DAY, {"facility": facility_gid(CENTRAL), "day": day, "first": 1}, token=dung
        )
    )["facilityAppointments"]
    assert [edge["node"]["id"] for edge in page["edges"]] == [first["id"]]
    rest = data(
        await seeded(
            FACILITY_DAY,
            {"facility": facility_gid(CENTRAL), "day": day, "after": page["pageInfo"]["endCursor"]},
            token=dung,
        )
    )["facilityAppointments"]
    assert [edge["node"]["id"] for edge in rest["edges"]] == [second["id"]]
    # The patient reading their own appointment leaves no line.
    data(await seeded(APPOINTMENT_NODE, {"id": first["id"]}, token=an))

    log = await access_log(seeded)
    assert len(log) == 5
    assert sorted(entry[2] for entry in log) == sorted(
        [first["id"], second["id"], first["id"], first["id"], second["id"]]
    )
    assert {entry[:2] for entry in log} == {(staff, "read")}
    assert uuid_of(away["id"]) not in {uuid_of(entry[2]) for entry in log}


async def test_the_access_log_cannot_be_rewritten(seeded: Any) -> None:
    an, dung = await token(seeded, AN), await token(seeded, DUNG)
    appointment = await book(seeded, an, (await slots_of(seeded, CENTRAL, "general-internal"))[0])
    data(await seeded(APPOINTMENT_NODE, {"id": appointment["id"]}, token=dung))
    before = await access_log(seeded)
    assert before == [(user_uuid(DUNG), "read", appointment["id"])]

    for statement in (
        "UPDATE health_access_log SET action = 'cancel'",
        "DELETE FROM health_access_log",
    ):
        with pytest.raises(DBAPIError, match="health_access_log is append-only"):
            async with seeded.sessions() as session, session.begin():
                await session.execute(text(statement))

    assert await access_log(seeded) == before

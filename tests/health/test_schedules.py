"""Weekly availability is written in Huế's local time and becomes slots at the right UTC
instants; a closure over Tết blocks its days, cancels what was booked on them, and no slot is
generated for them later."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from strawberry.relay import from_base64

from backend.health import schedules
from backend.health.localtime import LOCAL_TZ, local_day
from backend.health.models import Schedule, Slot
from backend.seed.demo import stable_id
from tests.health.conftest import (
    ADD_AVAILABILITY,
    ADD_CLOSURE,
    AN,
    AVAILABLE_SLOTS,
    BINH,
    BOOK,
    CENTRAL,
    CHAU,
    DUNG,
    MY_APPOINTMENTS,
    UNIVERSITY,
    assert_seats_consistent,
    book,
    book_input,
    facility_gid,
    gid,
    place_id,
    slots_of,
)
from tests.support.clock import Clock
from tests.support.graphql import data
from tests.support.sessions import token
from tests.support.snapshots import refused


def local_at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def availability(**overrides: Any) -> dict[str, Any]:
    values = {
        "facilityId": facility_gid(CENTRAL),
        "specialty": "ent",
        "weekday": "SUNDAY",
        "start": "06:00",
        "end": "07:30",
        "slotMinutes": 30,
        "capacity": 2,
    }
    return {"input": {**values, **overrides}}


async def offered(
    api: Any, start: datetime, specialty: str
) -> list[tuple[datetime, datetime, int]]:
    found = data(
        await api(
            AVAILABLE_SLOTS,
            {
                "facility": facility_gid(CENTRAL),
                "from": start.isoformat(),
                "to": (start + timedelta(days=31)).isoformat(),
                "specialty": specialty,
                "first": 100,
            },
        )
    )["availableSlots"]
    return [
        (
            datetime.fromisoformat(edge["node"]["start"]),
            datetime.fromisoformat(edge["node"]["end"]),
            edge["node"]["remaining"],
        )
        for edge in found["edges"]
    ]


async def schedule_row(api: Any, schedule_id: str) -> Schedule:
    kind, raw_id = from_base64(schedule_id)
    assert kind == "WeeklyAvailability"
    async with api.sessions() as session:
        found = await session.get(Schedule, uuid.UUID(raw_id))
    assert found is not None
    return found


async def generate(api: Any, now: datetime, horizon_days: int, rules: Any = None) -> int:
    async with api.sessions() as session, session.begin():
        return await schedules.generate_slots(
            session, horizon_days=horizon_days, now=now, schedules=rules
        )


async def test_weekly_availability_in_local_time_becomes_slots_at_utc_instants(
    seeded: Any, clock: Clock
) -> None:
    dung = await token(seeded, DUNG)
    monday = local_at(date(2027, 1, 4), 0)  # Monday 4 January 2027, local midnight
    clock.set(monday)

    early = data(await seeded(ADD_AVAILABILITY, availability(), token=dung))[
        "addWeeklyAvailability"
    ]
    assert {key: value for key, value in early.items() if key != "id"} == {
        "weekday": "SUNDAY",
        "start": "06:00:00",
        "end": "07:30:00",
        "slotMinutes": 30,
        "capacity": 2,
        "practitioner": None,
    }
    late = data(
        await seeded(
            ADD_AVAILABILITY,
            availability(
                weekday="SATURDAY", start="23:00", end="00:00", slotMinutes=60, capacity=1
            ),
            token=dung,
        )
    )["addWeeklyAvailability"]
    assert (late["start"], late["end"]) == ("23:00:00", "00:00:00")  # 00:00 is midnight

    # Sundays in the 30 days from Monday 4 January: the 10th, 17th, 24th and 31st. 06:00 in
    # Huế is 23:00 UTC the evening before.
    sundays = [date(2027, 1, day) for day in (10, 17, 24, 31)]
    expected = []
    for sunday in sundays:
        eve = sunday - timedelta(days=1)
        expected += [
            (utc(f"{eve}T23:00"), utc(f"{eve}T23:30"), 2),
            (utc(f"{eve}T23:30"), utc(f"{sunday}T00:00"), 2),
            (utc(f"{sunday}T00:00"), utc(f"{sunday}T00:30"), 2),
        ]
    # Saturday 23:00–24:00 in Huế is 16:00–17:00 UTC the same day.
    expected += [
        (utc(f"{saturday}T16:00"), utc(f"{saturday}T17:00"), 1)
        for saturday in (date(2027, 1, day) for day in (9, 16, 23, 30))
    ]
    assert await offered(seeded, monday, "ent") == sorted(expected)
    assert all(local_at(local_day(start), 6) <= start for start, _, _ in expected[:12])

    # Generation is idempotent, and a week later adds the next Sunday only.
    rule = await schedule_row(seeded, early["id"])
    assert await generate(seeded, monday, 30, [rule]) == 0
    assert await generate(seeded, monday + timedelta(days=7), 30, [rule]) == 3
    slots = await offered(seeded, monday + timedelta(days=7), "ent")
    assert [start for start, _, _ in slots if start.date() >= date(2027, 2, 6)] == [
        utc("2027-02-06T23:00"),
        utc("2027-02-06T23:30"),
        utc("2027-02-07T00:00"),
    ]

    # A doctor's own hours show the doctor.
    minh = data(
        await seeded(
            ADD_AVAILABILITY,
            availability(
                specialty="ophthalmology",
                weekday="SATURDAY",
                start="13:00",
                end="14:00",
                practitionerId=gid("Practitioner", stable_id("practitioner", "tw-minh")),
            ),
            token=dung,
        )
    )["addWeeklyAvailability"]
    assert minh["practitioner"] == {"fullName": "Lê Văn Minh"}


async def test_bad_availability_changes_nothing(seeded: Any, clock: Clock) -> None:
    dung = await token(seeded, DUNG)
    clock.set(local_at(date(2027, 1, 4), 0))
    data(await seeded(ADD_AVAILABILITY, availability(), token=dung))
    lan = gid("Practitioner", stable_id("practitioner", "dhyd-lan"))  # of the university hospital
    minh = gid("Practitioner", stable_id("practitioner", "tw-minh"))  # ophthalmologist here
    cases: list[tuple[dict[str, Any], dict[str, str], str]] = [
        (
            availability(start="07:00", end="08:00"),
            {"code": "CONFLICT", "field": "input.start"},
            "This availability overlaps an existing one.",
        ),
        (
            availability(slotMinutes=3),
            {"code": "BAD_USER_INPUT", "field": "input.slotMinutes"},
            "A slot must last between 5 and 240 minutes.",
        ),
        (
            availability(capacity=0),
            {"code": "BAD_USER_INPUT", "field": "input.capacity"},
            "Capacity must be between 1 and 50.",
        ),
        (
            availability(capacity=51),
            {"code": "BAD_USER_INPUT", "field": "input.capacity"},
            "Capacity must be between 1 and 50.",
        ),
        (
            availability(start="10:00", end="09:00"),
            {"code": "BAD_USER_INPUT", "field": "input.end"},
            "The start must come before the end, with room for at least one slot.",
        ),
        (
            availability(start="09:00", end="09:20"),
            {"code": "BAD_USER_INPUT", "field": "input.end"},
            "The start must come before the end, with room for at least one slot.",
        ),
        (
            availability(specialty="dermatology"),
            {"code": "BAD_USER_INPUT", "field": "input.specialty"},
            "The facility does not offer this specialty.",
        ),
        (
            availability(weekday="MONDAY", practitionerId=lan),
            {"code": "NOT_FOUND", "field": "input.practitionerId"},
            "Practitioner not found.",
        ),
        (
            availability(weekday="MONDAY", practitionerId=minh),
            {"code": "BAD_USER_INPUT", "field": "input.specialty"},
            "The practitioner does not work in this specialty.",
        ),
        (
            availability(facilityId=gid("HealthFacility", uuid.uuid4())),
            {"code": "NOT_FOUND", "field": "input.facilityId"},
            "Health facility not found.",
        ),
    ]
    for variables, extensions, message in cases:
        error = await refused(seeded, ADD_AVAILABILITY, variables, dung)
        assert (error["extensions"], error["message"]) == (extensions, message), variables
    error = await refused(
        seeded, ADD_AVAILABILITY, availability(weekday="MONDAY"), await token(seeded, AN)
    )
    assert error["extensions"] == {"code": "FORBIDDEN"}


TET = (date(2027, 2, 5), date(2027, 2, 11))  # Tết Đinh Mùi: 29 Tết to mùng 6


def closure(**overrides: Any) -> dict[str, Any]:
    values = {
        "facilityId": facility_gid(CENTRAL),
        "startsOn": TET[0].isoformat(),
        "endsOn": TET[1].isoformat(),
        "reasonVi": "Nghỉ Tết Nguyên đán Đinh Mùi",
        "reasonEn": "Lunar New Year (Tết) holiday",
    }
    return {"input": {**values, **overrides}}


async def central_slots_by_day(api: Any) -> dict[date, list[Slot]]:
    statement = select(Slot).where(Slot.facility_id == place_id(CENTRAL)).order_by(Slot.start_at)
    days: dict[date, list[Slot]] = {}
    async with api.sessions() as session:
        for slot in (await session.scalars(statement)).all():
            days.setdefault(local_day(slot.start_at), []).append(slot)
    return days


async def test_a_closure_over_tet_blocks_its_days_and_cancels_their_bookings(
    seeded: Any, clock: Clock
) -> None:
    an, binh, chau = await token(seeded, AN), await token(seeded, BINH), await token(seeded, CHAU)
    dung = await token(seeded, DUNG)
    now = local_at(date(2027, 1, 25), 8)  # a Monday, two weeks before Tết
    clock.set(now)
    assert await generate(seeded, now, 14) > 0  # slots up to Sunday 7 February

    def desk(slug: str, day: date) -> Any:
        return next(
            slot
            for slot in by_day[slug]
            if local_day(slot.start_at) == day and slot.start_at == local_at(day, 7, 0)
        )

    by_day = {
        CENTRAL: await slots_of(seeded, CENTRAL, "general-internal", after=now),
        UNIVERSITY: await slots_of(seeded, UNIVERSITY, "general-internal", after=now),
    }
    child = data(
        await seeded(
            "mutation($input: AddDependantInput!) { addDependant(input: $input) { id } }",
            {
                "input": {
                    "fullName": "Nguyễn Bảo Ngọc",
                    "dateOfBirth": "2019-05-04",
                    "relationship": "CHILD",
                }
            },
            token=an,
        )
    )["addDependant"]
    on_eve = await book(seeded, an, desk(CENTRAL, date(2027, 2, 5)))
    childs = await book(seeded, an, desk(CENTRAL, date(2027, 2, 5)), dependant=child["id"])
    new_year = await book(seeded, binh, desk(CENTRAL, date(2027, 2, 6)))
    before = await book(seeded, chau, desk(CENTRAL, date(2027, 2, 4)))
    other_hospital = await book(seeded, binh, desk(UNIVERSITY, date(2027, 2, 5)))

    # Refusals first: they change nothing.
    refusals: list[tuple[dict[str, Any], dict[str, str], str]] = [
        (
            closure(endsOn="2027-02-04"),
            {"code": "BAD_USER_INPUT", "field": "input.endsOn"},
            "Invalid period (at most 366 days).",
        ),
        (
            closure(startsOn="2027-01-01", endsOn="2028-01-10"),
            {"code": "BAD_USER_INPUT", "field": "input.endsOn"},
            "Invalid period (at most 366 days).",
        ),
        (
            closure(startsOn="9999-12-30", endsOn="9999-12-31"),
            {"code": "BAD_USER_INPUT", "field": "input.endsOn"},
            "A closure can end at most 732 days ahead.",
        ),
        (
            closure(startsOn="2027-01-20", endsOn="2027-01-24"),
            {"code": "BAD_USER_INPUT", "field": "input.endsOn"},
            "A closure cannot end in the past.",
        ),
        (
            closure(reasonVi="  "),
            {"code": "BAD_USER_INPUT", "field": "input.reasonVi"},
            "Reason (Vietnamese) is required.",
        ),
        (
            closure(reasonVi="Tết " * 60),
            {"code": "BAD_USER_INPUT", "field": "input.reasonVi"},
            "Reason (Vietnamese) is too long (at most 200 characters).",
        ),
        (
            closure(reasonEn="Tết\u0000"),
            {"code": "BAD_USER_INPUT", "field": "input.reasonEn"},
            "Reason (English) contains characters that are not allowed.",
        ),
    ]
    for variables, extensions, message in refusals:
        error = await refused(seeded, ADD_CLOSURE, variables, dung)
        assert (error["extensions"], error["message"]) == (extensions, message), variables
    error = await refused(seeded, ADD_CLOSURE, closure(), an)
    assert error["extensions"] == {"code": "FORBIDDEN"}

    result = data(await seeded(ADD_CLOSURE, closure(), token=dung, language="en"))["addClosure"]
    assert {key: value for key, value in result.items() if key != "id"} == {
        "startsOn": "2027-02-05",
        "endsOn": "2027-02-11",
        "reason": "Lunar New Year (Tết) holiday",
        "cancelledAppointments": 3,
    }
    closure_node = (
        "query($id: ID!) { node(id: $id) { ... on FacilityClosure"
        " { id startsOn endsOn reason cancelledAppointments } } }"
    )
    fetched = data(await seeded(closure_node, {"id": result["id"]}, language="en"))["node"]
    assert fetched == result

    def states(nodes: list[dict[str, Any]]) -> dict[str, tuple[str, str | None, str | None]]:
        return {n["id"]: (n["status"], n["cancelledBy"], n["cancellationReason"]) for n in nodes}

    an_view = data(await seeded(MY_APPOINTMENTS, {}, token=an))["viewer"]["appointments"]
    assert states([edge["node"] for edge in an_view["edges"]]) == {
        on_eve["id"]: ("CANCELLED", "FACILITY", "Nghỉ Tết Nguyên đán Đinh Mùi"),
        childs["id"]: ("CANCELLED", "FACILITY", "Nghỉ Tết Nguyên đán Đinh Mùi"),
    }
    binh_view = data(await seeded(MY_APPOINTMENTS, {}, token=binh, language="en"))["viewer"]
    assert states([edge["node"] for edge in binh_view["appointments"]["edges"]]) == {
        new_year["id"]: ("CANCELLED", "FACILITY", "Lunar New Year (Tết) holiday"),
        other_hospital["id"]: ("BOOKED", None, None),
    }
    chau_view = data(await seeded(MY_APPOINTMENTS, {}, token=chau))["viewer"]["appointments"]
    assert states([edge["node"] for edge in chau_view["edges"]]) == {
        before["id"]: ("BOOKED", None, None)
    }

    # Nothing of Tết is offered; its slots are blocked with no seat counted.
    offered_days = {
        local_day(start) for start, _, _ in await offered(seeded, now, "general-internal")
    }
    assert date(2027, 2, 4) in offered_days
    assert offered_days.isdisjoint({TET[0] + timedelta(days=n) for n in range(7)})
    slots = await central_slots_by_day(seeded)
    for day in (date(2027, 2, 5), date(2027, 2, 6)):
        assert slots[day]
        assert {(slot.blocked, slot.booked) for slot in slots[day]} == {(True, 0)}
    assert {slot.blocked for slot in slots[date(2027, 2, 4)]} == {False}
    await assert_seats_consistent(seeded)
    blocked = desk(CENTRAL, date(2027, 2, 6))
    error = await refused(seeded, BOOK, book_input(blocked), chau)
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.slotId"}
    assert error["message"] == "The facility is closed at this time."

    # Extending the horizon past Tết: no slot at all on its remaining days, slots after it.
    assert await generate(seeded, now, 30) > 0
    slots = await central_slots_by_day(seeded)
    assert all(TET[0] + timedelta(days=n) not in slots for n in range(3, 7))  # 8–11 February
    assert date(2027, 2, 12) in slots
    assert {slot.blocked for slot in slots[date(2027, 2, 12)]} == {False}
    university = await slots_of(seeded, UNIVERSITY, "general-internal", after=now)
    assert any(local_day(slot.start_at) == date(2027, 2, 8) for slot in university)


async def test_a_doctors_leave_closes_only_her_slots(seeded: Any, clock: Clock) -> None:
    an, binh, dung = await token(seeded, AN), await token(seeded, BINH), await token(seeded, DUNG)
    hoa = gid("Practitioner", stable_id("practitioner", "tw-hoa"))  # the cardiologist
    cardiology = await slots_of(seeded, CENTRAL, "cardiology")
    day = local_day(cardiology[0].start_at)
    desk = next(
        slot
        for slot in await slots_of(seeded, CENTRAL, "general-internal")
        if local_day(slot.start_at) == day
    )
    clock.set(cardiology[0].start_at - timedelta(days=1))
    hers = await book(seeded, an, cardiology[0])
    other = await book(seeded, binh, desk)
    leave = closure(
        startsOn=day.isoformat(),
        endsOn=day.isoformat(),
        reasonVi="Bác sĩ Hoa đi hội nghị",
        reasonEn="Dr Hoa is at a conference",
        practitionerId=hoa,
    )

    lan = gid("Practitioner", stable_id("practitioner", "dhyd-lan"))  # another hospital's
    error = await refused(
        seeded, ADD_CLOSURE, {"input": {**leave["input"], "practitionerId": lan}}, dung
    )
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "input.practitionerId"}
    result = data(await seeded(ADD_CLOSURE, leave, token=dung))["addClosure"]
    assert result["cancelledAppointments"] == 1

    listed = data(await seeded(MY_APPOINTMENTS, {}, token=an, language="en"))["viewer"]
    assert [
        (n["id"], n["status"], n["cancellationReason"])
        for n in (e["node"] for e in listed["appointments"]["edges"])
    ] == [(hers["id"], "CANCELLED", "Dr Hoa is at a conference")]
    listed = data(await seeded(MY_APPOINTMENTS, {}, token=binh))["viewer"]
    assert [n["node"]["status"] for n in listed["appointments"]["edges"]] == ["BOOKED"]
    assert other["status"] == "BOOKED"
    that_day = (await central_slots_by_day(seeded))[day]
    hoa_id = stable_id("practitioner", "tw-hoa")
    assert {slot.blocked for slot in that_day if slot.practitioner_id == hoa_id} == {True}
    assert {slot.blocked for slot in that_day if slot.practitioner_id != hoa_id} == {False}
    await assert_seats_consistent(seeded)

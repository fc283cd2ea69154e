"""Bad input is refused with a clear code, the field it concerns and a readable message, and
changes nothing; good insurance numbers of both generations are accepted and normalised."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from backend.graphql_api.health.queries import APPOINTMENTS_BY_START, SLOTS_BY_START
from tests.health.conftest import (
    ADD_AVAILABILITY,
    ADD_DEPENDANT,
    AN,
    AVAILABLE_SLOTS,
    BINH,
    BOOK,
    CENTRAL,
    CHECK_IN,
    DUNG,
    INTERNATIONAL,
    MY_APPOINTMENTS,
    UNIVERSITY,
    book,
    book_input,
    facility_gid,
    gid,
    slots_of,
)
from tests.support.clock import Clock
from tests.support.graphql import data, only_error
from tests.support.sessions import token
from tests.support.snapshots import refused, snapshot

MALFORMED_CARDS = [
    "DN446012345678",  # 14 characters
    "DN44601234567890",  # 16 characters
    "DN6460123456789",  # benefit level 6 does not exist
    "DN4000123456789",  # province 00 does not exist
    "D14460123456789",  # the group is two letters
    "ĐN4460123456789",  # Đ is not a card letter
    "123456789",  # a 9-digit number
    "12345678901",  # an 11-digit number
    "012345678A",
    "DN4460123456789" * 3,  # far too long
    "DN4460123456789\u0000",
]


async def test_malformed_insurance_numbers_are_refused(seeded: Any) -> None:
    an = await token(seeded, AN)
    slot = (await slots_of(seeded, CENTRAL, "general-internal"))[0]

    for card in MALFORMED_CARDS:
        error = await refused(seeded, BOOK, book_input(slot, card=card), an)

        assert error["extensions"] == {
            "code": "BAD_USER_INPUT",
            "field": "input.insuranceCardNumber",
        }, card
        assert error["message"] == (
            "Invalid health insurance number: enter the 15-character card code "
            "(e.g. DN4460123456789) or the 10-digit social insurance number."
        )
    # A valid card where BHYT is not accepted.
    private = (await slots_of(seeded, INTERNATIONAL, "general-internal"))[0]
    error = await refused(seeded, BOOK, book_input(private, card="DN4460123456789"), an)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.insuranceCardNumber"}
    assert error["message"] == "This facility does not accept national health insurance."
    # The Vietnamese message names the same thing.
    body = await seeded(BOOK, book_input(slot, card="DN44"), token=an)
    assert only_error(body)["message"].startswith("Số thẻ BHYT không hợp lệ.")


async def test_both_generations_of_insurance_numbers_are_accepted(seeded: Any) -> None:
    an, binh = await token(seeded, AN), await token(seeded, BINH)
    days: dict[Any, Any] = {}
    for slot in await slots_of(seeded, UNIVERSITY, "general-internal"):
        days.setdefault(slot.start_at.date(), slot)
    slots = list(days.values())
    accepted = [
        ("DN4460123456789", "DN4460123456789", an),  # legacy 15-character card
        ("hc 4 79 0123456789", "HC4790123456789", an),  # as printed, with spaces
        ("0123456789", "0123456789", an),  # social insurance number since 2025
        ("012-345-6789", "0123456789", binh),
        ("  ", None, binh),  # left empty
    ]
    for (typed, stored, bearer), slot in zip(accepted, slots, strict=False):
        appointment = await book(seeded, bearer, slot, card=typed)
        assert appointment["insuranceCardNumber"] == stored, typed


async def test_slots_that_cannot_be_booked(seeded: Any, clock: Clock) -> None:
    an, binh = await token(seeded, AN), await token(seeded, BINH)
    cardiology = await slots_of(seeded, CENTRAL, "cardiology")  # one seat each

    missing = {"input": {"slotId": gid("AppointmentSlot", uuid.uuid4()), "patient": {"self": True}}}
    error = await refused(seeded, BOOK, missing, an)
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "input.slotId"}
    assert error["message"] == "Time slot not found."

    not_a_slot = {"input": {"slotId": facility_gid(CENTRAL), "patient": {"self": True}}}
    error = await refused(seeded, BOOK, not_a_slot, an)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.slotId"}
    assert error["message"] == "Invalid identifier."

    garbage = {"input": {"slotId": "%%%", "patient": {"self": True}}}
    error = await refused(seeded, BOOK, garbage, an)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == "Invalid identifier."

    await book(seeded, binh, cardiology[0])
    error = await refused(seeded, BOOK, book_input(cardiology[0]), an)
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.slotId"}
    assert error["message"] == "This time slot is fully booked. Please choose another."

    clock.set(cardiology[1].start_at)  # it starts now: too late
    error = await refused(seeded, BOOK, book_input(cardiology[1]), an)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.slotId"}
    assert error["message"] == "This time slot has already passed."

    body = await seeded(BOOK, book_input(cardiology[2]))
    assert only_error(body)["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_bad_booking_details(seeded: Any) -> None:
    an = await token(seeded, AN)
    slot = (await slots_of(seeded, CENTRAL, "general-internal"))[0]
    cases: list[tuple[dict[str, Any], dict[str, str], str]] = [
        (
            book_input(slot, reason="x" * 100_000),
            {"code": "BAD_USER_INPUT", "field": "input.reason"},
            "Reason is too long (at most 500 characters).",
        ),
        (
            book_input(slot, reason="x" * 501),
            {"code": "BAD_USER_INPUT", "field": "input.reason"},
            "Reason is too long (at most 500 characters).",
        ),
        (
            book_input(slot, reason="đau\u0000 bụng"),
            {"code": "BAD_USER_INPUT", "field": "input.reason"},
            "Reason contains characters that are not allowed.",
        ),
        (
            {"input": {"slotId": book_input(slot)["input"]["slotId"], "patient": {"self": False}}},
            {"code": "BAD_USER_INPUT", "field": "input.patient"},
            "Book either for yourself or for one dependant.",
        ),
        (
            book_input(slot, dependant=gid("Dependant", uuid.uuid4())),
            {"code": "NOT_FOUND", "field": "input.patient"},
            "Dependant not found.",
        ),
    ]
    for variables, extensions, message in cases:
        error = await refused(seeded, BOOK, variables, an)
        assert (error["extensions"], error["message"]) == (extensions, message)

    # Naming both patients at once is not a valid document at all.
    before = await snapshot(seeded)
    both = book_input(slot)
    both["input"]["patient"]["dependantId"] = gid("Dependant", uuid.uuid4())
    body = await seeded(BOOK, both, token=an)
    assert only_error(body)["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert await snapshot(seeded) == before
    # 500 characters, line breaks included, are fine.
    reason = ("Ho nhiều về đêm.\n" * 40)[:500]
    assert (await book(seeded, an, slot, reason=reason))["reason"] == reason.strip()


async def test_bad_dependants_and_unknown_enum_values(seeded: Any, clock: Clock) -> None:
    an = await token(seeded, AN)

    def dependant(**overrides: Any) -> dict[str, Any]:
        values = {
            "fullName": "Nguyễn Thị Lành",
            "dateOfBirth": "1950-02-01",
            "relationship": "PARENT",
        }
        return {"input": {**values, **overrides}}

    # 10:00 in Huế on 1 March 2027: "tomorrow" is 2 March whatever the time of day here.
    clock.set(datetime(2027, 3, 1, 3, 0, tzinfo=UTC))
    cases: list[tuple[dict[str, Any], dict[str, str], str]] = [
        (
            dependant(fullName="   "),
            {"code": "BAD_USER_INPUT", "field": "input.fullName"},
            "Full name is required.",
        ),
        (
            dependant(fullName="Lành " * 30),
            {"code": "BAD_USER_INPUT", "field": "input.fullName"},
            "Full name is too long (at most 120 characters).",
        ),
        (
            dependant(fullName="Lành\u0007"),
            {"code": "BAD_USER_INPUT", "field": "input.fullName"},
            "Full name contains characters that are not allowed.",
        ),
        (
            dependant(dateOfBirth="2027-03-02"),
            {"code": "BAD_USER_INPUT", "field": "input.dateOfBirth"},
            "Invalid date of birth.",
        ),
        (
            dependant(dateOfBirth="1899-12-31"),
            {"code": "BAD_USER_INPUT", "field": "input.dateOfBirth"},
            "Invalid date of birth.",
        ),
        (
            dependant(relationship="COUSIN"),
            {"code": "BAD_USER_INPUT", "field": "input.relationship"},
            "Variable '$input' has invalid value at .relationship: "
            "Value 'COUSIN' does not exist in 'DependantRelationship' enum.",
        ),
        (
            dependant(dateOfBirth="01/02/1950"),
            {"code": "BAD_USER_INPUT", "field": "input.dateOfBirth"},
            "",
        ),
    ]
    for variables, extensions, message in cases:
        error = await refused(seeded, ADD_DEPENDANT, variables, an)
        assert error["extensions"] == extensions, variables
        if message:
            assert error["message"] == message

    # Ten people to book for, not more.
    for number in range(10):
        data(await seeded(ADD_DEPENDANT, dependant(fullName=f"Người thân {number}"), token=an))
    error = await refused(seeded, ADD_DEPENDANT, dependant(), an)
    assert error["extensions"] == {"code": "CONFLICT"}
    assert error["message"] == "An account may register at most 10 dependants."

    body = await seeded(
        "{ viewer { appointments(status: PENDING) { edges { cursor } } } }", token=an
    )
    assert only_error(body)["extensions"] == {"code": "BAD_USER_INPUT", "field": "status"}
    crafted = APPOINTMENTS_BY_START.encode("9999-12-31T23:00:00-14:00", uuid.uuid4())
    body = await seeded(MY_APPOINTMENTS, {"after": crafted}, token=an)
    assert only_error(body)["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}
    body = await seeded(MY_APPOINTMENTS, {"status": "pending"}, token=an)
    # (A whole variable of an unknown value is not named as the field yet: see the report.)
    assert only_error(body)["extensions"]["code"] == "BAD_USER_INPUT"
    assert only_error(body)["message"] == (
        "Variable '$status' has invalid value: Value 'pending' does not exist in "
        "'AppointmentStatus' enum."
    )
    error = await refused(
        seeded,
        ADD_AVAILABILITY,
        {
            "input": {
                "facilityId": facility_gid(CENTRAL),
                "specialty": "ent",
                "weekday": "FUNDAY",
                "start": "08:00",
                "end": "10:00",
                "slotMinutes": 30,
                "capacity": 2,
            }
        },
        await token(seeded, DUNG),
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.weekday"}
    # Staff actions on an appointment that does not exist.
    error = await refused(
        seeded, CHECK_IN, {"id": gid("Appointment", uuid.uuid4())}, await token(seeded, DUNG)
    )
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "input.appointmentId"}


async def test_bad_slot_searches(seeded: Any) -> None:
    start = (await slots_of(seeded, CENTRAL, "general-internal"))[0].start_at
    cases: list[tuple[dict[str, Any], dict[str, str]]] = [
        (
            {
                "from": start.replace(tzinfo=None).isoformat(),
                "to": (start + timedelta(days=1)).isoformat(),
            },
            {"code": "BAD_USER_INPUT", "field": "from"},
        ),
        (
            {"from": start.isoformat(), "to": (start + timedelta(days=32)).isoformat()},
            {"code": "BAD_USER_INPUT", "field": "to"},
        ),
        (
            {"from": start.isoformat(), "to": start.isoformat()},
            {"code": "BAD_USER_INPUT", "field": "to"},
        ),
        (
            {
                "from": start.isoformat(),
                "to": (start + timedelta(days=1)).isoformat(),
                "facility": gid("HealthFacility", uuid.uuid4()),
            },
            {"code": "NOT_FOUND", "field": "facilityId"},
        ),
        (
            {
                "from": start.isoformat(),
                "to": (start + timedelta(days=1)).isoformat(),
                "specialty": "magic",
            },
            {"code": "BAD_USER_INPUT", "field": "specialty"},
        ),
        (
            {
                "from": start.isoformat(),
                "to": (start + timedelta(days=1)).isoformat(),
                "first": 500,
            },
            {"code": "BAD_USER_INPUT", "field": "first"},
        ),
    ]
    day = {"from": start.isoformat(), "to": (start + timedelta(days=1)).isoformat()}
    cases += [
        # No UTC instant exists for the end of year 9999 west of Greenwich.
        (
            {"from": "9999-12-01T00:00:00-14:00", "to": "9999-12-31T23:00:00-14:00"},
            {"code": "BAD_USER_INPUT", "field": "to"},
        ),
        (
            {"from": "0001-01-01T00:00:00+14:00", "to": "0001-01-02T00:00:00+14:00"},
            {"code": "BAD_USER_INPUT", "field": "from"},
        ),
        (
            {**day, "after": SLOTS_BY_START.encode("9999-12-31T23:00:00-14:00", uuid.uuid4())},
            {"code": "BAD_USER_INPUT", "field": "after"},
        ),
        (
            {**day, "after": SLOTS_BY_START.encode("2027-01-01T08:00:00", uuid.uuid4())},
            {"code": "BAD_USER_INPUT", "field": "after"},
        ),
        (
            {**day, "after": SLOTS_BY_START.encode(12.5, uuid.uuid4())},
            {"code": "BAD_USER_INPUT", "field": "after"},
        ),
    ]
    for overrides, extensions in cases:
        variables = {"facility": facility_gid(CENTRAL), **overrides}
        body = await seeded(AVAILABLE_SLOTS, variables, language="en")
        assert only_error(body)["extensions"] == extensions, overrides
        assert body["data"] is None

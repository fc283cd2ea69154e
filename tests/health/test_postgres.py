"""What only a real multi-writer database can show: the GiST index serves the nearest-facilities
search, and concurrent bookings never oversell a slot or slip past the per-account rules."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select, text

from backend.db import spatial
from backend.health.models import Appointment
from backend.health.repository import facilities as facility_rows
from backend.identity import passwords
from tests.health.conftest import (
    AN,
    BINH,
    BOOK,
    CENTRAL,
    INTERNATIONAL,
    NEAR_BRIDGE,
    PHU_HOI,
    RESCHEDULE,
    UNIVERSITY,
    add_citizens,
    assert_seats_consistent,
    book_input,
    gid,
    rows,
    slot_gid,
    slot_row,
    slots_of,
    uuid_of,
)
from tests.support.graphql import data, error_codes, login, only_error
from tests.support.plans import planned
from tests.support.sessions import mint_tokens, token


async def appointment_states(api: Any) -> dict[Any, tuple[str, Any]]:
    async with api.sessions() as session:
        found = (await session.scalars(select(Appointment))).all()
    return {row.id: (row.status.value, row.replaced_by_id) for row in found}


postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@postgresql_only
async def test_nearest_facilities_are_found_through_the_gist_index(seeded: Any) -> None:
    async with seeded.sessions() as session, session.begin():
        # Four facilities fit in a page; the planner would rightly read them sequentially.
        await session.execute(text("SET LOCAL enable_seqscan = off"))
        found, statement, plan = await planned(
            session,
            lambda: facility_rows.facilities_near(
                session,
                near=spatial.point_ewkt(NEAR_BRIDGE["latitude"], NEAR_BRIDGE["longitude"]),
                radius_m=2000,
                specialty_id=None,
                accepts_insurance=None,
                open_at=None,
                after=None,
                limit=21,
            ),
        )

    assert len(found) == 4  # the statement explained is the one that found them
    assert "ST_DWithin" in statement
    assert "Index Scan using ix_places_location on places" in plan, plan
    assert "Index Cond: (location && _st_expand(" in plan, plan


@postgresql_only
async def test_two_hundred_patients_race_for_three_seats(seeded: Any) -> None:
    slot = (await slots_of(seeded, CENTRAL, "pediatrics", practitioner=False))[0]
    assert slot.capacity == 3
    password = "mật khẩu thử tải 2026"
    patients = await add_citizens(seeded, 200, await passwords.hash_password(password))
    # One signs in for real (an Argon2 verification); the others get the same kind of
    # session minted directly, so that the test measures booking, not password hashing.
    signed_in = await login(seeded, "+84907000000", password)
    assert signed_in["user"]["id"] == gid("User", patients[0])
    tokens = [signed_in["accessToken"], *await mint_tokens(seeded, patients[1:])]

    answers = await asyncio.gather(
        *(seeded(BOOK, book_input(slot), token=bearer, language="en") for bearer in tokens)
    )

    booked = [answer["data"]["bookAppointment"] for answer in answers if not answer.get("errors")]
    refused = [only_error(answer) for answer in answers if answer.get("errors")]
    assert len(booked) == 3
    assert len(refused) == 197
    assert Counter(error["extensions"]["code"] for error in refused) == {"CONFLICT": 197}
    assert {error["extensions"]["field"] for error in refused} == {"input.slotId"}
    assert {error["message"] for error in refused} == {
        "This time slot is fully booked. Please choose another."
    }
    assert sorted(appointment["queueNumber"] for appointment in booked) == [1, 2, 3]
    assert all(
        answer["data"]["bookAppointment"] is None for answer in answers if "errors" in answer
    )

    await assert_seats_consistent(seeded)
    assert (await slot_row(seeded, slot.id)).booked == 3
    holders = await rows(seeded, "SELECT account_id, slot_id, status FROM health_appointments")
    assert len(holders) == len({holder for holder, _, _ in holders}) == 3
    assert {(slot_id, status) for _, slot_id, status in holders} == {(slot.id, "booked")}
    assert await rows(seeded, "SELECT COUNT(*) FROM notifications") == [(3,)]


@postgresql_only
async def test_one_account_booking_in_parallel_keeps_its_limit_and_never_overlaps(
    seeded: Any,
) -> None:
    bearer = await token(seeded, AN)
    # Eight slots on eight different days: only five upcoming appointments are allowed.
    desk = await slots_of(seeded, CENTRAL, "general-internal")
    first_of_day: dict[Any, Any] = {}
    for slot in desk:
        first_of_day.setdefault(slot.start_at.date(), slot)
    mornings = list(first_of_day.values())[:8]
    assert len(mornings) == 8

    answers = await asyncio.gather(
        *(seeded(BOOK, book_input(slot), token=bearer, language="en") for slot in mornings)
    )

    assert sorted(code for answer in answers for code in error_codes(answer)) == ["CONFLICT"] * 3
    assert {only_error(a)["message"] for a in answers if a.get("errors")} == {
        "An account may hold at most 5 upcoming appointments."
    }
    assert await rows(seeded, "SELECT COUNT(*) FROM health_appointments") == [(5,)]

    # The same half hour at four places at once: one booking, three overlaps.
    other = await token(seeded, BINH)
    offers = [
        await slots_of(seeded, slug, specialty, practitioner=False)
        for slug, specialty in (
            (CENTRAL, "general-internal"),
            (UNIVERSITY, "general-internal"),
            (PHU_HOI, "family-medicine"),
        )
    ] + [await slots_of(seeded, INTERNATIONAL, "general-internal")]
    start = min(set.intersection(*({slot.start_at for slot in offer} for offer in offers)))
    same_time = [next(slot for slot in offer if slot.start_at == start) for offer in offers]

    answers = await asyncio.gather(
        *(seeded(BOOK, book_input(slot), token=other, language="en") for slot in same_time)
    )

    assert sum(1 for answer in answers if not answer.get("errors")) == 1
    refusals = [only_error(answer) for answer in answers if answer.get("errors")]
    assert [error["extensions"] for error in refusals] == [
        {"code": "CONFLICT", "field": "input.slotId"}
    ] * 3
    assert {error["message"] for error in refusals} == {
        "The patient already has an appointment at this time."
    }
    assert await rows(seeded, "SELECT COUNT(*) FROM health_appointments") == [(6,)]
    await assert_seats_consistent(seeded)


@postgresql_only
async def test_two_patients_moving_into_the_last_seat(seeded: Any) -> None:
    desk = await slots_of(seeded, CENTRAL, "general-internal")
    target = (await slots_of(seeded, CENTRAL, "cardiology"))[0]  # one seat
    an, binh = await token(seeded, AN), await token(seeded, BINH)
    mine = data(await seeded(BOOK, book_input(desk[0]), token=an))["bookAppointment"]
    hers = data(await seeded(BOOK, book_input(desk[1]), token=binh))["bookAppointment"]

    answers = await asyncio.gather(
        seeded(
            RESCHEDULE,
            {"input": {"appointmentId": mine["id"], "newSlotId": slot_gid(target)}},
            token=an,
        ),
        seeded(
            RESCHEDULE,
            {"input": {"appointmentId": hers["id"], "newSlotId": slot_gid(target)}},
            token=binh,
        ),
    )

    moved = [answer for answer in answers if not answer.get("errors")]
    refused = [answer for answer in answers if answer.get("errors")]
    assert len(moved) == len(refused) == 1
    assert only_error(refused[0])["extensions"] == {"code": "CONFLICT", "field": "input.newSlotId"}
    winner, loser = (hers, mine) if refused[0] is answers[0] else (mine, hers)
    new = moved[0]["data"]["rescheduleAppointment"]
    assert await appointment_states(seeded) == {
        uuid_of(loser["id"]): ("booked", None),
        uuid_of(winner["id"]): ("cancelled", uuid_of(new["id"])),
        uuid_of(new["id"]): ("booked", None),
    }
    assert (await slot_row(seeded, target.id)).booked == 1
    await assert_seats_consistent(seeded)

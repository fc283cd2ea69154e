"""Enrolment rounds and places through the API: the city's administrators open a round per
school year and entry grade and move its windows; a school's administrators set the places it
offers, never below the children already admitted. Everyone else is refused, and refusals
change nothing."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy import text
from strawberry import relay

from backend.db.unit_of_work import UnitOfWork
from backend.schools.admissions import rounds
from backend.seed.demo import stable_id
from tests.schools.conftest import PARENT, TEACHER, school_gid
from tests.schools.enrolment_support import ADMIN, ROUND, decide, make_admin, sent
from tests.schools.enrolment_support import LE_LOI as LE_LOI_ID
from tests.support.graphql import data, only_error
from tests.support.sessions import token

CITY_ADMIN = "+84905000007"
CREATE = """
mutation Create($input: CreateSchoolEnrolmentRoundInput!) {
  createSchoolEnrolmentRound(input: $input) {
    id schoolYear grade maxPreferences onlineOpensAt onlineClosesAt resultsOn confirmBy
  }
}
"""
UPDATE = """
mutation Update($input: UpdateSchoolEnrolmentRoundInput!) {
  updateSchoolEnrolmentRound(input: $input) { id maxPreferences onlineClosesAt confirmBy }
}
"""
PLACES = """
mutation Places($input: SetSchoolEnrolmentPlacesInput!) {
  setSchoolEnrolmentPlaces(input: $input) { offered admitted }
}
"""
ROUNDS = """
query Rounds($school: ID!) {
  schoolEnrolmentRounds(first: 20) {
    edges { node { id schoolYear grade places(schoolId: $school) { offered admitted } } }
  }
}
"""
WINDOWS = {
    "onlineOpensAt": "2028-07-01T01:00:00+00:00",
    "onlineClosesAt": "2028-07-04T10:00:00+00:00",
    "directOpensAt": "2028-07-10T01:00:00+00:00",
    "directClosesAt": "2028-07-15T10:00:00+00:00",
    "resultsOn": "2028-07-20",
    "confirmBy": "2028-07-25T10:00:00+00:00",
}
WRITTEN = ("school_enrolment_rounds", "school_enrolment_places")
LE_LOI = school_gid("tieu-hoc-le-loi")


def _round(**changes: Any) -> dict[str, Any]:
    windows = {**WINDOWS, **changes.pop("windows", {})}
    values = {"schoolYear": "2028-2029", "grade": 1, "maxPreferences": 1, "windows": windows}
    return {"input": {**values, **changes}}


async def _snapshot(api: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    async with api.sessions() as session:
        for table in WRITTEN:
            rows = await session.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
            found[table] = sorted(repr(tuple(row)) for row in rows.all())
    return found


async def _places(api: Any, viewer: str, round_id: str) -> Any:
    answer = data(await api(ROUNDS, {"school": LE_LOI}, token=viewer))
    [node] = [
        e["node"] for e in answer["schoolEnrolmentRounds"]["edges"] if e["node"]["id"] == round_id
    ]
    return node["places"]


async def test_the_city_opens_a_round_and_the_school_offers_places(seeded: Any) -> None:
    city = await token(seeded, CITY_ADMIN)
    created = data(await seeded(CREATE, _round(), token=city))["createSchoolEnrolmentRound"]
    assert {k: v for k, v in created.items() if k != "id"} == {
        "schoolYear": "2028-2029",
        "grade": 1,
        "maxPreferences": 1,
        "onlineOpensAt": "2028-07-01T01:00:00+00:00",
        "onlineClosesAt": "2028-07-04T10:00:00+00:00",
        "resultsOn": "2028-07-20",
        "confirmBy": "2028-07-25T10:00:00+00:00",
    }
    # Before it opens, the number of wishes and the windows can change.
    later = {"onlineClosesAt": "2028-07-05T10:00:00+00:00"}
    moved = data(
        await seeded(
            UPDATE,
            {
                "input": {
                    "roundId": created["id"],
                    "maxPreferences": 2,
                    "windows": {**WINDOWS, **later},
                }
            },
            token=city,
        )
    )["updateSchoolEnrolmentRound"]
    assert moved == {
        "id": created["id"],
        "maxPreferences": 2,
        "onlineClosesAt": "2028-07-05T10:00:00+00:00",
        "confirmBy": "2028-07-25T10:00:00+00:00",
    }

    await make_admin(seeded)
    school = await token(seeded, ADMIN)
    assert await _places(seeded, school, created["id"]) is None
    # A primary school offers no grade-6 places.
    grade_six = data(await seeded(CREATE, _round(grade=6), token=city))
    six = {
        "input": {
            "roundId": grade_six["createSchoolEnrolmentRound"]["id"],
            "schoolId": LE_LOI,
            "places": 90,
        }
    }
    refused = only_error(await seeded(PLACES, six, token=school))
    assert refused["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.roundId"}
    offered = {"input": {"roundId": created["id"], "schoolId": LE_LOI, "places": 140}}
    answer = data(await seeded(PLACES, offered, token=school))["setSchoolEnrolmentPlaces"]
    assert answer == {"offered": 140, "admitted": 0}
    offered["input"]["places"] = 150
    assert data(await seeded(PLACES, offered, token=school))["setSchoolEnrolmentPlaces"] == {
        "offered": 150,
        "admitted": 0,
    }
    assert await _places(seeded, school, created["id"]) == {"offered": 150, "admitted": 0}


async def test_places_never_fall_below_the_children_admitted(seeded: Any) -> None:
    parent = await token(seeded, PARENT)
    application = await sent(seeded, parent)
    await make_admin(seeded)
    school = await token(seeded, ADMIN)
    for decision in ("VERIFY", "ADMIT"):
        assert data(await decide(seeded, school, application, decision))
    fewer = {"input": {"roundId": ROUND, "schoolId": LE_LOI, "places": 0}}
    refused = only_error(await seeded(PLACES, fewer, token=school))
    assert refused["extensions"] == {"code": "CONFLICT", "field": "input.places"}
    assert "1" in refused["message"]
    assert await _places(seeded, school, ROUND) == {"offered": 175, "admitted": 1}
    fewer["input"]["places"] = 1
    answer = data(await seeded(PLACES, fewer, token=school))["setSchoolEnrolmentPlaces"]
    assert answer == {"offered": 1, "admitted": 1}


async def test_bad_rounds_and_places_are_refused_and_change_nothing(seeded: Any) -> None:
    city = await token(seeded, CITY_ADMIN)
    await make_admin(seeded)
    school, teacher, parent = (
        await token(seeded, ADMIN),
        await token(seeded, TEACHER),
        await token(seeded, PARENT),
    )
    before = await _snapshot(seeded)
    creates: list[tuple[dict[str, Any], str, str]] = [
        (_round(schoolYear="2027-2028"), "CONFLICT", "input.grade"),  # the demo's round
        (_round(grade=2), "BAD_USER_INPUT", "input.grade"),
        (_round(schoolYear="2028"), "BAD_USER_INPUT", "input.schoolYear"),
        (_round(maxPreferences=0), "BAD_USER_INPUT", "input.maxPreferences"),
        (_round(maxPreferences=6), "BAD_USER_INPUT", "input.maxPreferences"),
        (
            _round(windows={"onlineClosesAt": WINDOWS["onlineOpensAt"]}),
            "BAD_USER_INPUT",
            "input.onlineClosesAt",
        ),
        (
            _round(windows={"directClosesAt": "2028-07-09T10:00:00+00:00"}),
            "BAD_USER_INPUT",
            "input.directClosesAt",
        ),
        (_round(windows={"resultsOn": "2028-07-14"}), "BAD_USER_INPUT", "input.resultsOn"),
        (
            _round(windows={"confirmBy": "2028-07-19T10:00:00+00:00"}),
            "BAD_USER_INPUT",
            "input.confirmBy",
        ),
    ]
    for variables, code, field in creates:
        refused = only_error(await seeded(CREATE, variables, token=city))
        assert refused["extensions"] == {"code": code, "field": field}, variables
    for viewer in (school, teacher, parent):
        refused = only_error(await seeded(CREATE, _round(), token=viewer))
        assert refused["extensions"]["code"] == "FORBIDDEN"
    # The demo's round is open: its number of wishes is fixed; only the city moves it.
    open_round = {"input": {"roundId": ROUND, "maxPreferences": 3, "windows": WINDOWS}}
    refused = only_error(await seeded(UPDATE, open_round, token=city))
    assert refused["extensions"] == {"code": "CONFLICT", "field": "input.maxPreferences"}
    assert only_error(await seeded(UPDATE, open_round, token=school))["extensions"]["code"] == (
        "FORBIDDEN"
    )
    places: list[tuple[str, dict[str, Any], str, str]] = [
        (school, {"places": -1}, "BAD_USER_INPUT", "input.places"),
        (school, {"places": 5001}, "BAD_USER_INPUT", "input.places"),
        # Quốc Học is not the administrator's school, and the teacher's is not theirs to set.
        (school, {"schoolId": school_gid("thpt-chuyen-quoc-hoc")}, "FORBIDDEN", "input.schoolId"),
        (teacher, {"schoolId": school_gid("thpt-chuyen-quoc-hoc")}, "FORBIDDEN", "input.schoolId"),
    ]
    for viewer, change, code, field in places:
        variables = {"input": {"roundId": ROUND, "schoolId": LE_LOI, "places": 10, **change}}
        refused = only_error(await seeded(PLACES, variables, token=viewer))
        assert refused["extensions"]["code"] == code, change
        if code != "FORBIDDEN":
            assert refused["extensions"]["field"] == field
    assert await _snapshot(seeded) == before


async def test_two_first_offers_at_the_same_moment_both_stand(seeded: Any, dialect: str) -> None:
    """The second first offer waits on the first's row, then changes it: no error, one row."""
    if dialect != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL")
    city = await token(seeded, CITY_ADMIN)
    created = data(await seeded(CREATE, _round(), token=city))["createSchoolEnrolmentRound"]
    round_id = uuid.UUID(relay.GlobalID.from_id(created["id"]).node_id)
    await make_admin(seeded)
    admin = stable_id("user", ADMIN)

    first = UnitOfWork(seeded.sessions)
    await first.__aenter__()
    try:
        offered = await rounds.set_places(
            first, staff_id=admin, round_id=round_id, school_id=LE_LOI_ID, places=140
        )
        assert offered == (140, 0)

        async def second() -> tuple[int, int]:
            async with UnitOfWork(seeded.sessions) as uow:
                return await rounds.set_places(
                    uow, staff_id=admin, round_id=round_id, school_id=LE_LOI_ID, places=150
                )

        racing = asyncio.create_task(second())
        await asyncio.sleep(0.5)  # the second has found no row and waits on the first's insert
        assert not racing.done()
    finally:
        await first.__aexit__(None, None, None)
    assert await racing == (150, 0)
    school = await token(seeded, ADMIN)
    assert await _places(seeded, school, created["id"]) == {"offered": 150, "admitted": 0}

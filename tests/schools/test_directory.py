"""The public school directory: nearest first with filters by level, admission ward and
programme; a school's fees, intake places and zone; the schools admitting from a ward; paging
and bad input; anonymous and cacheable."""

from __future__ import annotations

from typing import Any

from tests.schools.conftest import NEAR_LE_LOI, ok, school_gid, send, ward_gid
from tests.support.graphql import only_error


def _names(answer: dict[str, Any], field: str = "schools") -> list[str]:
    return [edge["node"]["name"] for edge in answer[field]["edges"]]


async def test_schools_of_every_level_nearest_first(seeded: Any) -> None:
    found = (await ok(seeded, "Schools", {"near": NEAR_LE_LOI}))["schools"]
    levels = {edge["node"]["level"] for edge in found["edges"]}
    assert levels == {"UPPER_SECONDARY", "LOWER_SECONDARY", "PRIMARY", "KINDERGARTEN"}
    distances = [edge["distanceMeters"] for edge in found["edges"]]
    assert distances == sorted(distances)
    assert found["edges"][0]["node"]["name"] == "Trường Tiểu học Lê Lợi"
    assert found["edges"][0]["node"]["ward"]["name"] == "Phường Vĩnh Ninh"
    upper = await ok(seeded, "Schools", {"near": NEAR_LE_LOI, "level": "UPPER_SECONDARY"})
    assert sorted(_names(upper)) == ["Trường THPT Hai Bà Trưng", "Trường THPT chuyên Quốc Học"]
    gifted = await ok(seeded, "Schools", {"near": NEAR_LE_LOI, "programme": "gifted"})
    assert _names(gifted) == ["Trường THPT chuyên Quốc Học"]
    kindergarten = (await ok(seeded, "Schools", {"level": "KINDERGARTEN"}))["schools"]["edges"]
    assert [(e["node"]["ownership"], e["distanceMeters"]) for e in kindergarten] == [
        ("PRIVATE", None)
    ]


async def test_a_school_with_fees_intake_and_admission_zone_in_english(seeded: Any) -> None:
    query = """query S($id: ID!) { school(id: $id) { name fees { name amountVnd period }
        intake { grade places schoolYear } admissionZone { name } } }"""
    answer = await seeded(query, {"id": school_gid("tieu-hoc-le-loi")}, language="en")
    assert answer["data"]["school"] == {
        "name": "Le Loi Primary School",
        "fees": [
            {"name": "Student health insurance", "amountVnd": 884520, "period": "YEAR"},
            {"name": "School meals", "amountVnd": 750000, "period": "MONTH"},
        ],
        "intake": [{"grade": 1, "places": 175, "schoolYear": "2026-2027"}],
        "admissionZone": [{"name": "Phu Hoi Ward"}, {"name": "Vinh Ninh Ward"}],
    }
    assert (await ok(seeded, "School", {"id": school_gid("nowhere")}))["school"] is None


async def test_schools_for_an_address_are_those_whose_zone_holds_the_ward(seeded: Any) -> None:
    primary = await ok(
        seeded, "SchoolsForAddress", {"ward": ward_gid("phu-hoi"), "level": "PRIMARY"}
    )
    assert _names(primary, "schoolsForAddress") == ["Trường Tiểu học Lê Lợi"]
    every = await ok(seeded, "SchoolsForAddress", {"ward": ward_gid("phu-hoi")})
    assert sorted(_names(every, "schoolsForAddress")) == [
        "Trường Mầm non Hoa Sen (demo)",
        "Trường THPT Hai Bà Trưng",
        "Trường Tiểu học Lê Lợi",
    ]
    none = await ok(seeded, "SchoolsForAddress", {"ward": ward_gid("thuy-bang")})
    assert none["schoolsForAddress"]["edges"] == []


async def test_pages_follow_each_other_without_repeats(seeded: Any) -> None:
    query = """query P($after: String) { schools(near: {latitude: 16.4610, longitude: 107.5860},
        first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = (await seeded(query, {"after": after}))["data"]["schools"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 5


async def test_bad_filters_are_refused_with_a_code(seeded: Any) -> None:
    bad_programme = only_error(await send(seeded, "Schools", {"programme": "x'; drop"}))
    assert bad_programme["extensions"] == {"code": "BAD_USER_INPUT", "field": "programme"}
    not_a_ward = only_error(
        await send(seeded, "SchoolsForAddress", {"ward": school_gid("tieu-hoc-le-loi")})
    )
    assert not_a_ward["extensions"]["code"] == "BAD_USER_INPUT"
    far = {"latitude": 95.0, "longitude": 107.0}
    assert only_error(await send(seeded, "Schools", {"near": far}))["extensions"]["code"] == (
        "BAD_USER_INPUT"
    )

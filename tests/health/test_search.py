"""Finding care: facilities nearest first, filters a patient uses, pages that add up, and the
next free slot of a whole page in a fixed number of statements."""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta
from typing import Any

from shapely.geometry import Point
from sqlalchemy import select

from backend.db.spatial import haversine_m
from backend.db.types import utcnow
from backend.graphql_api.health.queries import FACILITIES_BY_DISTANCE
from backend.health.localtime import LOCAL_TZ
from backend.health.models import Slot
from backend.seed.hue import PLACES
from tests.health.conftest import (
    AN,
    BOOK,
    CENTRAL,
    INTERNATIONAL,
    NEAR_BRIDGE,
    PHU_HOI,
    UNIVERSITY,
    book_input,
    facility_gid,
    place_id,
    slot_gid,
    slots_of,
)
from tests.support.clock import Clock
from tests.support.graphql import data, only_error
from tests.support.sessions import token

SEARCH = """
query Search($near: GeoPointInput!, $radius: Float, $specialty: String, $insurance: Boolean,
             $open: Boolean! = false, $first: Int, $after: String) {
  healthFacilities(near: $near, radiusMeters: $radius, specialty: $specialty,
                   acceptsInsurance: $insurance, openNow: $open, first: $first, after: $after) {
    edges { cursor distanceMeters node { id name acceptsInsurance level } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}
"""

WITH_NEXT_SLOT = """
query Next($near: GeoPointInput!, $specialty: String, $first: Int) {
  healthFacilities(near: $near, specialty: $specialty, first: $first) {
    edges {
      nextAvailableSlot { id start end remaining specialty { code } }
      node { id name specialties { code } }
    }
  }
}
"""

NAMES_EN = {
    INTERNATIONAL: "Hue Central International Hospital",
    CENTRAL: "Hue Central Hospital",
    UNIVERSITY: "Hue University of Medicine and Pharmacy Hospital",
    PHU_HOI: "Phu Hoi Ward Health Station",
}
BY_DISTANCE = [INTERNATIONAL, CENTRAL, UNIVERSITY, PHU_HOI]  # from the bridge


def expected_distance(slug: str) -> float:
    place = next(place for place in PLACES if place.slug == slug)
    here = Point(NEAR_BRIDGE["longitude"], NEAR_BRIDGE["latitude"])
    return round(haversine_m(here, Point(place.lng, place.lat)), 1)


async def search(api: Any, language: str = "en", **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = data(
        await api(SEARCH, {"near": NEAR_BRIDGE, **variables}, language=language)
    )["healthFacilities"]
    return result


def slugs(result: dict[str, Any]) -> list[str]:
    by_id = {facility_gid(slug): slug for slug in NAMES_EN}
    return [by_id[edge["node"]["id"]] for edge in result["edges"]]


async def test_facilities_nearest_first_with_their_distances(seeded: Any) -> None:
    result = await search(seeded)

    assert [edge["node"]["name"] for edge in result["edges"]] == [
        NAMES_EN[slug] for slug in BY_DISTANCE
    ]
    assert [edge["distanceMeters"] for edge in result["edges"]] == [
        expected_distance(slug) for slug in BY_DISTANCE
    ]
    assert [edge["distanceMeters"] for edge in result["edges"]] == [
        240.9,
        451.1,
        528.0,
        579.5,
    ]
    assert [edge["node"]["level"] for edge in result["edges"]] == [
        "CENTRAL",
        "CENTRAL",
        "CENTRAL",
        "COMMUNE",
    ]
    assert result["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "endCursor": result["edges"][-1]["cursor"],
    }
    vietnamese = await search(seeded, language="vi")
    assert vietnamese["edges"][0]["node"]["name"] == "Bệnh viện Quốc tế Trung ương Huế"


FILTERS: list[tuple[dict[str, Any], list[str]]] = [
    ({"specialty": "pediatrics"}, [CENTRAL, PHU_HOI]),
    ({"specialty": "dermatology"}, [UNIVERSITY]),
    ({"specialty": "general-internal"}, [INTERNATIONAL, CENTRAL, UNIVERSITY]),
    ({"specialty": "cardiology", "insurance": False}, []),
    ({"insurance": False}, [INTERNATIONAL]),
    ({"insurance": True}, [CENTRAL, UNIVERSITY, PHU_HOI]),
    ({"specialty": "obstetrics", "insurance": True}, [CENTRAL]),
    ({"radius": 500.0}, [INTERNATIONAL, CENTRAL]),
    ({"radius": 500.0, "specialty": "pediatrics"}, [CENTRAL]),
    ({"radius": 200.0}, []),
]


RELEASED_SEARCH = """
query Released($near: GeoPointInput!, $specialty: String) {
  healthFacilities(near: $near, specialty: $specialty, first: 2) {
    edges { distanceMeters nextAvailableSlot { id }
            node { id distanceMeters nextAvailableSlot { id } } }
  }
}
"""


async def test_what_depends_on_the_search_is_on_its_edge(seeded: Any) -> None:
    """A normalized cache keeps one object per facility: a second search from elsewhere must not
    rewrite what the first list shows. The node's old fields still answer for released apps."""
    far = {"latitude": NEAR_BRIDGE["latitude"] + 0.05, "longitude": NEAR_BRIDGE["longitude"]}
    here = data(await seeded(SEARCH, {"near": NEAR_BRIDGE}))["healthFacilities"]["edges"]
    there = data(await seeded(SEARCH, {"near": far}))["healthFacilities"]["edges"]
    by_id = {edge["node"]["id"]: edge for edge in there}
    for edge in here:
        other = by_id[edge["node"]["id"]]
        assert edge["node"] == other["node"]  # the same object in both lists
        assert edge["distanceMeters"] != other["distanceMeters"]

    released = data(await seeded(RELEASED_SEARCH, {"near": NEAR_BRIDGE, "specialty": "cardiology"}))
    for edge in released["healthFacilities"]["edges"]:
        assert edge["node"]["distanceMeters"] == edge["distanceMeters"]
        assert edge["node"]["nextAvailableSlot"] == edge["nextAvailableSlot"]


async def test_filters_by_specialty_insurance_and_radius(seeded: Any) -> None:
    for variables, expected in FILTERS:
        assert slugs(await search(seeded, **variables)) == expected, variables


def local(weekday: int, hour: int, minute: int = 0) -> datetime:
    """A moment in Huế in the week of Monday 4 January 2027."""
    monday = datetime.combine(datetime(2027, 1, 4).date(), time(0), tzinfo=LOCAL_TZ)
    return monday + timedelta(days=weekday, hours=hour, minutes=minute)


OPENING: list[tuple[datetime, list[str]]] = [
    (local(0, 6, 59), []),
    (local(0, 7, 0), [INTERNATIONAL, CENTRAL, UNIVERSITY, PHU_HOI]),  # all open at 7
    (local(2, 12, 0), [INTERNATIONAL]),  # lunch break: only the private hospital
    (local(2, 16, 45), [INTERNATIONAL, CENTRAL, UNIVERSITY]),  # the station closed at 16:30
    (local(4, 17, 0), [INTERNATIONAL]),  # closing time is closed
    (local(5, 9, 0), [INTERNATIONAL, CENTRAL]),  # Saturday morning
    (local(5, 19, 0), []),
    (local(6, 10, 0), []),  # Sunday
]


async def test_open_now_follows_the_clock_in_local_time(seeded: Any, clock: Clock) -> None:
    for moment, expected in OPENING:
        clock.set(moment)
        assert slugs(await search(seeded, open=True)) == expected, moment
        assert slugs(await search(seeded, open=False)) == BY_DISTANCE
    # The same instant read in UTC would be Sunday 23:30: the local day decides.
    clock.set(local(0, 6, 30))
    assert slugs(await search(seeded, open=True)) == []
    clock.set(local(0, 7, 30))
    assert slugs(await search(seeded, open=True, specialty="family-medicine")) == [PHU_HOI]


async def test_pages_add_up_to_the_whole_list(seeded: Any) -> None:
    everything = await search(seeded, first=100)
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = await search(seeded, first=1, after=after)
        pages += 1
        seen += [edge["node"]["id"] for edge in page["edges"]]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert pages == 4
    assert seen == [edge["node"]["id"] for edge in everything["edges"]]
    by_three = await search(seeded, first=3)
    assert slugs(by_three) == BY_DISTANCE[:3]
    assert by_three["pageInfo"]["hasNextPage"] is True
    rest = await search(seeded, first=3, after=by_three["pageInfo"]["endCursor"])
    assert slugs(rest) == [PHU_HOI]
    assert rest["pageInfo"]["hasNextPage"] is False


BAD_SEARCHES: list[tuple[dict[str, Any], str]] = [
    ({"first": 0}, "first"),
    ({"first": 101}, "first"),
    ({"after": "not-a-cursor"}, "after"),
    ({"after": FACILITIES_BY_DISTANCE.encode(math.nan, place_id(CENTRAL))}, "after"),
    ({"after": FACILITIES_BY_DISTANCE.encode(-1.0, place_id(CENTRAL))}, "after"),
    (
        {"after": FACILITIES_BY_DISTANCE.encode("2027-01-01T00:00:00+00:00", place_id(CENTRAL))},
        "after",
    ),
    ({"radius": 0.5}, "radiusMeters"),
    ({"radius": 50_001.0}, "radiusMeters"),
    ({"specialty": "astrology"}, "specialty"),
    ({"specialty": "pedi\u0000atrics"}, "specialty"),
    ({"specialty": "x" * 10_000}, "specialty"),
    ({"near": {"latitude": 91.0, "longitude": 107.59}}, "near"),
]


async def test_bad_search_input_is_refused_with_its_field(seeded: Any) -> None:
    for variables, field in BAD_SEARCHES:
        body = await seeded(SEARCH, {"near": NEAR_BRIDGE, **variables})

        error = only_error(body)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, variables
        assert body["data"] is None


async def earliest_free_slots(api: Any, specialty_id: Any = None) -> dict[Any, Slot]:
    """The check query: per facility, the earliest slot with a free seat that is still ahead."""
    statement = select(Slot).where(
        Slot.start_at > utcnow(), Slot.booked < Slot.capacity, Slot.blocked.is_(False)
    )
    if specialty_id is not None:
        statement = statement.where(Slot.specialty_id == specialty_id)
    found: dict[Any, Slot] = {}
    async with api.sessions() as session:
        for slot in (await session.scalars(statement.order_by(Slot.start_at, Slot.id))).all():
            found.setdefault(slot.facility_id, slot)
    return found


async def test_next_available_slot_of_a_page_in_four_statements(seeded: Any) -> None:
    earliest = await earliest_free_slots(seeded)
    for page in (1, 2, 4):
        seeded.sql.clear()

        result = data(await seeded(WITH_NEXT_SLOT, {"near": NEAR_BRIDGE, "first": page}))

        # The facilities; their next slots (one window query); the facilities' specialties;
        # the slots' specialties. Whatever the page size.
        assert seeded.sql.count == 4, seeded.sql.statements
        edges = result["healthFacilities"]["edges"]
        assert [e["node"]["id"] for e in edges] == [facility_gid(s) for s in BY_DISTANCE[:page]]
        for edge, slug in zip(edges, BY_DISTANCE, strict=False):
            slot = earliest[place_id(slug)]
            assert edge["nextAvailableSlot"]["id"] == slot_gid(slot)
            assert datetime.fromisoformat(edge["nextAvailableSlot"]["start"]) == slot.start_at
            assert datetime.fromisoformat(edge["nextAvailableSlot"]["end"]) == slot.end_at
            assert edge["nextAvailableSlot"]["remaining"] == slot.capacity


async def test_next_available_slot_is_of_the_searched_specialty_and_skips_full_ones(
    seeded: Any,
) -> None:
    cardiology = await slots_of(seeded, CENTRAL, "cardiology", after=utcnow())
    first = data(await seeded(WITH_NEXT_SLOT, {"near": NEAR_BRIDGE, "specialty": "cardiology"}))
    edges = first["healthFacilities"]["edges"]
    assert [edge["node"]["id"] for edge in edges] == [facility_gid(CENTRAL)]
    assert edges[0]["nextAvailableSlot"]["id"] == slot_gid(cardiology[0])
    assert edges[0]["nextAvailableSlot"]["specialty"] == {"code": "cardiology"}
    assert edges[0]["nextAvailableSlot"]["remaining"] == 1

    # Cardiology slots hold one patient: once it is taken, the next one is offered.
    data(await seeded(BOOK, book_input(cardiology[0]), token=await token(seeded, AN)))
    second = data(await seeded(WITH_NEXT_SLOT, {"near": NEAR_BRIDGE, "specialty": "cardiology"}))
    edge = second["healthFacilities"]["edges"][0]
    assert edge["nextAvailableSlot"]["id"] == slot_gid(cardiology[1])

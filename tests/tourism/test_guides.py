"""Attractions, tickets, events and itineraries as anonymous visitors see them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from backend.seed.demo import stable_id
from backend.tourism.models import Attraction
from tests.support.clock import Clock
from tests.support.graphql import data, error_codes, only_error
from tests.tourism.conftest import NGO_MON, OPERATIONS, attraction_gid, names

ATTRACTIONS = OPERATIONS["Attractions"]
ATTRACTION = OPERATIONS["Attraction"]
PRICE = OPERATIONS["TicketPrice"]
COMBINATION = OPERATIONS["TicketCombination"]
EVENTS = OPERATIONS["TourismEvents"]
ITINERARY = OPERATIONS["Itinerary"]


async def test_nearest_first_with_the_distance_on_the_edge(seeded: Any) -> None:
    found = data(await seeded(ATTRACTIONS, {"near": NGO_MON, "radiusMeters": 1000}))
    edges = found["attractions"]["edges"]
    assert names(found["attractions"])[0] == "Ngọ Môn"
    distances = [edge["distanceMeters"] for edge in edges]
    assert distances == sorted(distances)
    assert distances[0] == 0
    assert "distanceMeters" not in edges[0]["node"]


async def test_open_now_filters_by_the_hours_in_hue(seeded: Any, clock: Clock) -> None:
    clock.set(datetime(2026, 9, 3, 12, 30, tzinfo=UTC))  # 19:30 in Huế, an ordinary evening
    found = data(await seeded(ATTRACTIONS, {"openNow": True, "first": 50}))["attractions"]
    assert names(found) == ["Chợ Đông Ba", "Cầu Trường Tiền"]  # by code point
    clock.set(datetime(2026, 9, 2, 12, 30, tzinfo=UTC))  # National Day: night opening
    # Another page size: the same question would be answered from the 10-second public cache.
    found = data(await seeded(ATTRACTIONS, {"openNow": True, "first": 49}))["attractions"]
    assert "Đại Nội Huế" in names(found)


async def test_texts_fall_back_to_english_then_say_their_language(seeded: Any) -> None:
    variables = {"id": attraction_gid("cua-hien-nhon")}
    korean = data(await seeded(ATTRACTION, variables, language="ko"))["attraction"]
    assert korean["name"] == {
        "text": "현년문",
        "language": "KO",
        "machineTranslated": True,
        "__typename": "LocalizedText",
    }
    assert korean["accessibility"] is None
    assert korean["containedInPlace"]["name"] == {
        "text": "후에 황성",
        "language": "KO",
        "__typename": "LocalizedText",
    }
    gate = data(await seeded(ATTRACTION, variables, language="de"))["attraction"]
    assert gate["name"]["language"] == "VI"  # German is not offered: the default
    tomb = data(await seeded(ATTRACTION, {"id": attraction_gid("lang-tu-duc")}, language="ja"))[
        "attraction"
    ]
    assert tomb["audioGuides"][0]["language"] == "EN"


async def test_anonymous_answers_are_identical_for_two_visitors(seeded: Any) -> None:
    variables = {"near": NGO_MON, "first": 5}
    one = await seeded(ATTRACTIONS, variables, language="en")
    seeded.sql.clear()
    other = await seeded(ATTRACTIONS, variables, language="en")
    assert one == other
    assert seeded.sql.count == 0  # served from the public-answer cache


async def test_ticket_price_on_a_free_day_and_an_ordinary_one(seeded: Any) -> None:
    site = attraction_gid("dai-noi")
    ordinary = {"site": site, "visitorType": "ADULT", "date": "2026-09-03"}
    assert data(await seeded(PRICE, ordinary))["ticketPrice"]["amount"] == 200_000
    national_day = {**ordinary, "date": "2026-09-02"}
    assert data(await seeded(PRICE, national_day))["ticketPrice"]["amount"] == 200_000
    citizen = data(await seeded(PRICE, {**national_day, "vietnameseCitizen": True}))
    assert citizen["ticketPrice"]["amount"] == 0
    assert citizen["ticketPrice"]["offer"]["slug"] == "free-days-citizens"
    pagoda = {**ordinary, "site": attraction_gid("chua-thien-mu")}
    assert data(await seeded(PRICE, pagoda))["ticketPrice"] == {
        "amount": 0,
        "offer": None,
        "__typename": "TicketQuote",
    }


async def test_the_four_site_combo_is_cheaper_than_single_tickets(seeded: Any) -> None:
    four = ["dai-noi", "lang-minh-mang", "lang-tu-duc", "lang-khai-dinh"]
    variables = {
        "sites": [attraction_gid(slug) for slug in [*four, "chua-thien-mu"]],
        "visitorType": "ADULT",
        "date": "2026-05-10",
    }
    found = data(await seeded(COMBINATION, variables))["ticketCombination"]
    assert found["total"] == 530_000  # not 200k + 3 × 150k = 650k
    assert [ticket["offer"]["slug"] for ticket in found["tickets"]] == ["combo-4-sites"]
    assert found["freeSiteIds"] == [attraction_gid("chua-thien-mu")]
    child = data(await seeded(COMBINATION, {**variables, "visitorType": "CHILD"}))
    assert child["ticketCombination"]["total"] == 100_000
    # Before the 2026 combos existed, single tickets were the only way.
    old = data(await seeded(COMBINATION, {**variables, "date": "2025-05-10"}))
    assert old["ticketCombination"]["total"] == 650_000


async def test_bad_ticket_input_is_refused_with_a_code(seeded: Any) -> None:
    body = await seeded(PRICE, {"site": "not-an-id", "visitorType": "ADULT", "date": "2026-09-03"})
    assert error_codes(body) == ["BAD_USER_INPUT"]
    body = await seeded(
        COMBINATION,
        {"sites": [attraction_gid("dai-noi")] * 13, "visitorType": "ADULT", "date": "2026-09-03"},
    )
    assert only_error(body)["extensions"] == {"code": "BAD_USER_INPUT", "field": "sites"}


async def test_festival_seasons_and_their_performances(seeded: Any) -> None:
    festival = str(stable_id("event", "festival-hue-2026"))
    from strawberry import relay

    variables = {
        "from": "2026-01-01T00:00:00+07:00",
        "to": "2027-01-01T00:00:00+07:00",
        "superEvent": str(relay.GlobalID("Event", festival)),
    }
    seasons = data(await seeded(EVENTS, variables, language="en"))["events"]
    assert names(seasons) == [
        "Spring: royal rituals",
        "Summer: Festival Week",
        "Autumn: lantern festival",
        "Winter: music and countdown",
    ]
    assert {edge["node"]["superEvent"]["name"]["text"] for edge in seasons["edges"]} == {
        "Huế Festival 2026"
    }
    night = {"from": "2026-06-12T00:00:00+07:00", "to": "2026-06-13T00:00:00+07:00"}
    shows = data(await seeded(EVENTS, {**night, "category": "PERFORMANCE"}, language="en"))
    assert names(shows["events"]) == ["Royal Palace Night"]
    backwards = await seeded(EVENTS, {"from": night["to"], "to": night["from"]})
    assert only_error(backwards)["extensions"] == {"code": "BAD_USER_INPUT", "field": "to"}


async def test_an_itinerary_plans_its_legs_and_opening(seeded: Any) -> None:
    from strawberry import relay

    walk = str(relay.GlobalID("Itinerary", str(stable_id("itinerary", "imperial-city-half-day"))))
    morning = {"id": walk, "start": "2026-09-03T08:00:00+07:00"}
    stops = data(await seeded(ITINERARY, morning, language="en"))["itinerary"]["stops"]
    assert [stop["attraction"]["name"]["text"] for stop in stops] == [
        "Meridian Gate",
        "Imperial City of Huế",
        "Hiển Nhơn Gate",
        "Đông Ba Market",
    ]
    assert stops[0]["legMeters"] is None
    assert all(s["legMeters"] > 0 for s in stops[1:])
    assert all(stop["openOnArrival"] for stop in stops)
    late = data(await seeded(ITINERARY, {**morning, "start": "2026-09-03T17:00:00+07:00"}))
    assert [stop["openOnArrival"] for stop in late["itinerary"]["stops"]] == [
        True,
        True,
        False,
        False,
    ]


async def test_nearest_pages_show_places_at_one_spot_once_each(seeded: Any) -> None:
    """Twelve stalls share the gate's spot, so thirteen attractions tie at 0 m: pages of five,
    cut inside the tie, still show each attraction once, nearest first."""
    async with seeded.sessions() as session:
        gate = (await session.scalars(select(Attraction).where(Attraction.slug == "ngo-mon"))).one()
        columns = [column.key for column in Attraction.__table__.columns]
        for number in range(12):
            copy = {key: getattr(gate, key) for key in columns}
            copy.update(id=uuid.uuid4(), slug=f"ngo-mon-stall-{number}", parent_id=None)
            copy.update(place_id=None)
            session.add(Attraction(**copy))
        await session.commit()
    seen: list[str] = []
    distances: list[float] = []
    after = None
    for _ in range(20):
        variables = {"near": NGO_MON, "radiusMeters": 400, "first": 5, "after": after}
        page = data(await seeded(ATTRACTIONS, variables))["attractions"]
        seen += [edge["node"]["slug"] for edge in page["edges"]]
        distances += [edge["distanceMeters"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) > 13
    assert set(seen[:13]) == {"ngo-mon"} | {f"ngo-mon-stall-{n}" for n in range(12)}
    assert distances == sorted(distances)
    assert distances[12] == 0 < distances[13]

"""The tourism department's staff: content in six languages, published when ready; refusals
name the field and change nothing; new dates of a saved event are pushed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from strawberry import relay

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.identity.models import Role, RoleAssignment
from backend.seed.demo import stable_id
from notifications.models import Notification
from tests.support.graphql import data, only_error
from tests.support.sessions import token
from tests.tourism.conftest import OPERATIONS, attraction_gid

AN, CHAU = "+84905000001", "+84905000003"
ATTRACTION = OPERATIONS["Attraction"]
ATTRACTIONS = OPERATIONS["Attractions"]
ADD_FAVOURITE = OPERATIONS["AddFavourite"]
NIGHT = "dem-hoang-cung-2026"

CREATE_ATTRACTION = """
mutation($input: AttractionInput!) {
  createAttraction(input: $input) { id slug name { text language } openingHours }
}
"""
UPDATE_ATTRACTION = """
mutation($id: ID!, $input: AttractionInput!) {
  updateAttraction(id: $id, input: $input) { id slug name { text language } }
}
"""
PUBLISH = """
mutation($id: ID!, $published: Boolean!) {
  setTourismPublished(id: $id, published: $published) {
    __typename ... on Attraction { id } ... on Event { id } ... on Itinerary { id }
  }
}
"""
UPDATE_EVENT = """
mutation($id: ID!, $input: EventInput!) {
  updateEvent(id: $id, input: $input) { id startDate endDate }
}
"""
CREATE_ITINERARY = """
mutation($input: ItineraryInput!) {
  createItinerary(input: $input) { id slug stops { attraction { slug } suggestedMinutes } }
}
"""
ITINERARY = "query($id: ID!) { itinerary(id: $id) { id slug } }"

SIX = {
    "vi": "Nhà vườn An Hiên",
    "en": "An Hien garden house",
    "fr": "Maison-jardin An Hiên",
    "ko": "안히엔 정원 가옥",
    "zh": "安贤园宅",
    "ja": "アンヒエン庭園家屋",
}


def garden(**changes: Any) -> dict[str, Any]:
    return {
        "slug": "nha-vuon-an-hien",
        "category": "CRAFT_VILLAGE",
        "name": SIX,
        "description": {"vi": "Nhà vườn tiêu biểu của Huế.", "en": "A typical Huế garden house."},
        "address": "58 Nguyễn Phúc Nguyên, Huế",
        "location": {"latitude": 16.4606, "longitude": 107.5536},
        "isAccessibleForFree": False,
        "alternateNames": ["An Hien garden"],
        "openingHours": "Mo-Su 07:00-17:30",
        "availableLanguages": ["VI", "EN"],
        "photos": [{"url": "https://example.org/an-hien.jpg", "credit": "Sở Du lịch"}],
        "audioGuides": [{"language": "EN", "url": "https://example.org/an-hien-en.mp3"}],
        "machineTranslated": ["KO", "ZH", "JA"],
        **changes,
    }


async def make_tourism_staff(api: Any, phone: str) -> str:
    async with UnitOfWork(api.sessions) as uow:
        uow.session.add(
            RoleAssignment(
                id=uuid.uuid4(),
                user_id=stable_id("user", phone),
                role=Role.TOURISM_STAFF,
                scope_id=None,
                created_at=utcnow(),
            )
        )
    return await token(api, phone)


async def content_snapshot(api: Any) -> list[tuple[Any, ...]]:
    """Everything staff can change, to compare before and after a refusal."""
    found: list[tuple[Any, ...]] = []
    async with api.sessions() as session:
        for table in ("tourism_attractions", "tourism_events", "tourism_itineraries"):
            statement = text(f"SELECT slug, name, published FROM {table} ORDER BY slug")  # noqa: S608
            found.extend(tuple(row) for row in (await session.execute(statement)).all())
        stops = text("SELECT itinerary_id, position, attraction_id FROM tourism_itinerary_stops")
        found.extend(tuple(row) for row in (await session.execute(stops)).all())
    return sorted(found, key=repr)


async def test_only_tourism_staff_may_edit(seeded: Any) -> None:
    an = await token(seeded, AN)
    before = await content_snapshot(seeded)
    refused = only_error(await seeded(CREATE_ATTRACTION, {"input": garden()}, token=an))
    assert refused["extensions"]["code"] == "FORBIDDEN"
    refused = only_error(await seeded(CREATE_ATTRACTION, {"input": garden()}))
    assert refused["extensions"]["code"] == "UNAUTHENTICATED"
    site = attraction_gid("dai-noi")
    refused = only_error(await seeded(PUBLISH, {"id": site, "published": False}, token=an))
    assert refused["extensions"]["code"] == "FORBIDDEN"
    assert await content_snapshot(seeded) == before


async def test_new_content_shows_only_once_published(seeded: Any) -> None:
    chau = await make_tourism_staff(seeded, CHAU)
    created = data(await seeded(CREATE_ATTRACTION, {"input": garden()}, token=chau))
    site = created["createAttraction"]
    assert site["name"] == {"text": "Nhà vườn An Hiên", "language": "VI"}
    assert site["openingHours"] == "Mo-Su 07:00-17:30"
    search = {"search": "nha vuon an hien"}

    async def found_ids() -> list[str]:
        edges = data(await seeded(ATTRACTIONS, search))["attractions"]["edges"]
        return [edge["node"]["id"] for edge in edges]

    assert data(await seeded(ATTRACTION, {"id": site["id"]}))["attraction"] is None
    assert site["id"] not in await found_ids()

    published = data(await seeded(PUBLISH, {"id": site["id"], "published": True}, token=chau))
    assert published["setTourismPublished"] == {"__typename": "Attraction", "id": site["id"]}
    korean = data(await seeded(ATTRACTION, {"id": site["id"]}, language="ko"))["attraction"]
    assert korean["name"] == {
        "__typename": "LocalizedText",  # the app's documents carry Apollo's typenames
        "text": "안히엔 정원 가옥",
        "language": "KO",
        "machineTranslated": True,
    }
    # The cached empty answer was dropped when the publishing committed.
    assert (await found_ids())[0] == site["id"]

    renamed = {**SIX, "en": "An Hiên garden house"}
    update = {"id": site["id"], "input": garden(name=renamed)}
    edited = data(await seeded(UPDATE_ATTRACTION, update, token=chau))["updateAttraction"]
    assert edited["id"] == site["id"]
    english = data(await seeded(ATTRACTION, {"id": site["id"]}, language="en"))["attraction"]
    assert english["name"]["text"] == "An Hiên garden house"

    data(await seeded(PUBLISH, {"id": site["id"], "published": False}, token=chau))
    assert data(await seeded(ATTRACTION, {"id": site["id"]}, language="en"))["attraction"] is None


async def test_bad_input_names_the_field_and_changes_nothing(seeded: Any) -> None:
    chau = await make_tourism_staff(seeded, CHAU)
    before = await content_snapshot(seeded)
    cases = {
        "input.name.en": garden(name={"vi": "Nhà vườn", "en": "  "}),
        "input.slug": garden(slug="Nhà Vườn"),
        "input.openingHours": garden(openingHours="whenever"),
        "input.location": garden(location={"latitude": 95, "longitude": 107.5}),
        "input.photos[0].url": garden(photos=[{"url": "http://x.org/a.jpg", "credit": "a"}]),
        "input.alternateNames[0]": garden(alternateNames=["bad\u0000name"]),
    }
    for field, attraction in cases.items():
        refused = only_error(await seeded(CREATE_ATTRACTION, {"input": attraction}, token=chau))
        assert refused["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, field
    taken = only_error(
        await seeded(CREATE_ATTRACTION, {"input": garden(slug="dai-noi")}, token=chau)
    )
    assert taken["extensions"] == {"code": "CONFLICT", "field": "input.slug"}
    parent = garden(containedInPlace=str(relay.GlobalID("Attraction", str(uuid.uuid4()))))
    missing = only_error(await seeded(CREATE_ATTRACTION, {"input": parent}, token=chau))
    assert missing["extensions"] == {"code": "NOT_FOUND", "field": "input.containedInPlace"}
    # An edit refused halfway (the slug of another site) leaves the site as it was.
    update = {"id": attraction_gid("ngo-mon"), "input": garden(slug="dai-noi")}
    refused = only_error(await seeded(UPDATE_ATTRACTION, update, token=chau))
    assert refused["extensions"] == {"code": "CONFLICT", "field": "input.slug"}
    assert await content_snapshot(seeded) == before


def night_input(starts: str, ends: str) -> dict[str, Any]:
    return {
        "slug": NIGHT,
        "category": "PERFORMANCE",
        "status": "RESCHEDULED",
        "name": {"vi": "Đêm Hoàng cung", "en": "Royal Palace Night"},
        "description": {"vi": "Đêm nghệ thuật cung đình.", "en": "A night of court arts."},
        "organizer": "Trung tâm Festival Huế",
        "startDate": starts,
        "endDate": ends,
        "isAccessibleForFree": True,
        "venue": attraction_gid("dai-noi"),
    }


async def test_new_dates_of_a_saved_event_are_pushed_to_those_who_saved_it(seeded: Any) -> None:
    chau = await make_tourism_staff(seeded, CHAU)
    an = await token(seeded, AN)
    night = str(relay.GlobalID("Event", str(stable_id("event", NIGHT))))
    data(await seeded(ADD_FAVOURITE, {"input": {"eventId": night}}, token=an))
    backwards = night_input("2026-06-13T19:00:00+07:00", "2026-06-13T18:00:00+07:00")
    refused = only_error(await seeded(UPDATE_EVENT, {"id": night, "input": backwards}, token=chau))
    assert refused["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.endDate"}

    moved = night_input("2026-06-13T19:00:00+07:00", "2026-06-13T21:30:00+07:00")
    event = data(await seeded(UPDATE_EVENT, {"id": night, "input": moved}, token=chau))
    assert event["updateEvent"]["startDate"] == "2026-06-13T12:00:00+00:00"
    same = data(await seeded(UPDATE_EVENT, {"id": night, "input": moved}, token=chau))
    assert same["updateEvent"] == event["updateEvent"]

    statement = select(Notification).where(Notification.type == "event.rescheduled")
    async with seeded.sessions() as session:
        pushed = list((await session.scalars(statement)).all())
    assert [push.user_id for push in pushed] == [stable_id("user", AN)]  # once, not twice
    assert pushed[0].title.en == "New dates: Royal Palace Night"
    assert pushed[0].body.vi == "Sự kiện bạn đã lưu nay bắt đầu lúc 19:00 13/06/2026."
    assert pushed[0].created_at <= datetime.now(UTC)


async def test_itineraries_are_made_of_existing_sites(seeded: Any) -> None:
    chau = await make_tourism_staff(seeded, CHAU)
    route = {
        "slug": "mot-buoi-chieu-o-hue",
        "name": {"vi": "Một buổi chiều ở Huế", "en": "An afternoon in Huế"},
        "description": {"vi": "Chùa và cầu.", "en": "A pagoda and a bridge."},
        "travelMode": "BICYCLE",
        "stops": [
            {"attractionId": attraction_gid("chua-thien-mu"), "suggestedMinutes": 60},
            {"attractionId": attraction_gid("cau-truong-tien"), "suggestedMinutes": 30},
        ],
    }
    before = await content_snapshot(seeded)
    too_short = {**route, "stops": [{**route["stops"][0], "suggestedMinutes": 1}]}
    refused = only_error(await seeded(CREATE_ITINERARY, {"input": too_short}, token=chau))
    assert refused["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "input.stops[0].suggestedMinutes",
    }
    assert await content_snapshot(seeded) == before

    created = data(await seeded(CREATE_ITINERARY, {"input": route}, token=chau))
    itinerary = created["createItinerary"]
    assert [stop["attraction"]["slug"] for stop in itinerary["stops"]] == [
        "chua-thien-mu",
        "cau-truong-tien",
    ]
    assert data(await seeded(ITINERARY, {"id": itinerary["id"]}))["itinerary"] is None
    data(await seeded(PUBLISH, {"id": itinerary["id"], "published": True}, token=chau))
    shown = data(await seeded(ITINERARY, {"id": itinerary["id"]}))["itinerary"]
    assert shown == {"id": itinerary["id"], "slug": "mot-buoi-chieu-o-hue"}

"""Tourism staff change some fields of an attraction or an event (a text in some languages only)
and list what is not published yet; refusals name the field and change nothing."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, text
from strawberry import relay

from backend.seed.demo import stable_id
from notifications.models import Notification
from tests.support.graphql import data, only_error
from tests.support.sessions import token
from tests.tourism.conftest import OPERATIONS, attraction_gid
from tests.tourism.test_staff import (
    AN,
    CHAU,
    CREATE_ATTRACTION,
    PUBLISH,
    garden,
    make_tourism_staff,
)

ATTRACTION = OPERATIONS["Attraction"]
ADD_FAVOURITE = OPERATIONS["AddFavourite"]
PATCH_ATTRACTION = """
mutation($id: ID!, $input: AttractionPatchInput!) {
  patchAttraction(id: $id, input: $input) {
    id slug address openingHours alternateNames location { latitude longitude }
    name { text language } accessibility { text }
    containedInPlace { slug }
  }
}
"""
PATCH_EVENT = """
mutation($id: ID!, $input: EventPatchInput!) {
  patchEvent(id: $id, input: $input) {
    id slug status startDate endDate name { text } superEvent { slug } venue { slug }
  }
}
"""
UNPUBLISHED = """
query($first: Int, $after: String) {
  viewer {
    tourismUnpublished(first: $first, after: $after) {
      edges {
        cursor
        node { __typename ... on Attraction { slug } ... on Event { slug } ... on Itinerary { slug } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


def event_gid(slug: str) -> str:
    return str(relay.GlobalID("Event", str(stable_id("event", slug))))


async def content_rows(api: Any) -> list[tuple[Any, ...]]:
    """Every column of every attraction and event: a refusal must leave all of them as they
    were."""
    found: list[tuple[Any, ...]] = []
    async with api.sessions() as session:
        for table in ("tourism_attractions", "tourism_events"):
            statement = text(f"SELECT * FROM {table} ORDER BY slug")  # noqa: S608
            found.extend(tuple(map(repr, row)) for row in (await session.execute(statement)).all())
    return found


async def test_a_patch_changes_only_the_fields_and_languages_given(seeded: Any) -> None:
    chau = await make_tourism_staff(seeded, CHAU)
    gate = attraction_gid("ngo-mon")

    async def shown(language: str) -> dict[str, Any]:
        answer = data(await seeded(ATTRACTION, {"id": gate}, language=language))
        return dict(answer["attraction"])

    before = {language: await shown(language) for language in ("vi", "en", "fr", "ja")}
    french = {"name": {"fr": "Porte du Midi (Ngọ Môn)"}, "openingHours": "Mo-Su 07:00-17:00"}
    patched = data(await seeded(PATCH_ATTRACTION, {"id": gate, "input": french}, token=chau))
    assert patched["patchAttraction"]["openingHours"] == "Mo-Su 07:00-17:00"
    after = {language: await shown(language) for language in ("vi", "en", "fr", "ja")}
    assert after["fr"]["name"]["text"] == "Porte du Midi (Ngọ Môn)"
    for language in ("vi", "en", "ja"):
        assert after[language]["name"] == before[language]["name"], language
    for language, answer in after.items():
        unchanged = {k: v for k, v in answer.items() if k not in {"name", "openingHours"}}
        assert unchanged == {
            k: v for k, v in before[language].items() if k not in {"name", "openingHours"}
        }

    # A language given as null is removed: Japanese visitors now read English.
    no_japanese = {"name": {"ja": None}}
    data(await seeded(PATCH_ATTRACTION, {"id": gate, "input": no_japanese}, token=chau))
    assert (await shown("ja"))["name"]["language"] == "EN"
    assert (await shown("fr"))["name"]["text"] == "Porte du Midi (Ngọ Môn)"

    # An optional field given as null is cleared; one left out keeps its value.
    cleared = {"openingHours": None, "address": "Đường 23/8, Huế"}
    site = data(await seeded(PATCH_ATTRACTION, {"id": gate, "input": cleared}, token=chau))
    site = site["patchAttraction"]
    assert site["openingHours"] is None
    assert site["address"] == "Đường 23/8, Huế"
    assert site["containedInPlace"] == {"slug": "dai-noi"}
    assert site["location"] == patched["patchAttraction"]["location"]
    # Patching nothing changes nothing.
    again = data(await seeded(PATCH_ATTRACTION, {"id": gate, "input": {}}, token=chau))
    assert again["patchAttraction"] == site


async def test_patch_refusals_name_the_field_and_change_nothing(seeded: Any) -> None:
    chau = await make_tourism_staff(seeded, CHAU)
    an = await token(seeded, AN)
    gate, citadel = attraction_gid("ngo-mon"), attraction_gid("dai-noi")
    before = await content_rows(seeded)
    refused = only_error(
        await seeded(PATCH_ATTRACTION, {"id": gate, "input": {"slug": "x"}}, token=an)
    )
    assert refused["extensions"]["code"] == "FORBIDDEN"
    refused = only_error(await seeded(PATCH_ATTRACTION, {"id": gate, "input": {"slug": "x"}}))
    assert refused["extensions"]["code"] == "UNAUTHENTICATED"
    cases: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
        "Vietnamese removed": (
            gate,
            {"name": {"vi": None}},
            {"code": "BAD_USER_INPUT", "field": "input.name.vi"},
        ),
        "blank English": (
            gate,
            {"name": {"en": "  "}},
            {"code": "BAD_USER_INPUT", "field": "input.name.en"},
        ),
        "no name": (gate, {"name": None}, {"code": "BAD_USER_INPUT", "field": "input.name"}),
        "no slug": (gate, {"slug": None}, {"code": "BAD_USER_INPUT", "field": "input.slug"}),
        "bad hours": (
            gate,
            {"openingHours": "whenever"},
            {"code": "BAD_USER_INPUT", "field": "input.openingHours"},
        ),
        "off the map": (
            gate,
            {"location": {"latitude": 95, "longitude": 107.5}},
            {"code": "BAD_USER_INPUT", "field": "input.location"},
        ),
        "taken slug": (gate, {"slug": "dai-noi"}, {"code": "CONFLICT", "field": "input.slug"}),
        # The Imperial City inside its own gate: a cycle two levels up.
        "cycle": (
            citadel,
            {"containedInPlace": gate},
            {"code": "CONFLICT", "field": "input.containedInPlace"},
        ),
        "unknown parent": (
            gate,
            {"containedInPlace": str(relay.GlobalID("Attraction", str(uuid.uuid4())))},
            {"code": "NOT_FOUND", "field": "input.containedInPlace"},
        ),
        "unknown site": (
            str(relay.GlobalID("Attraction", str(uuid.uuid4()))),
            {"address": "Huế"},
            {"code": "NOT_FOUND", "field": "id"},
        ),
        "an event's id": (
            event_gid("festival-hue-2026"),
            {"address": "Huế"},
            {"code": "BAD_USER_INPUT", "field": "id"},
        ),
    }
    for case, (site, patch, expected) in cases.items():
        answer = await seeded(PATCH_ATTRACTION, {"id": site, "input": patch}, token=chau)
        assert only_error(answer)["extensions"] == expected, case
    event_cases: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
        "ends before it starts": (
            {"endDate": "2026-06-12T18:00:00+07:00"},
            {"code": "BAD_USER_INPUT", "field": "input.endDate"},
        ),
        "inside its own season": (
            {"superEvent": event_gid("dem-hoang-cung-2026")},
            {"code": "CONFLICT", "field": "input.superEvent"},
        ),
        "no organizer": (
            {"organizer": None},
            {"code": "BAD_USER_INPUT", "field": "input.organizer"},
        ),
    }
    for case, (patch, expected) in event_cases.items():
        target = (
            event_gid("festival-2026-week")
            if case == "inside its own season"
            else event_gid("dem-hoang-cung-2026")
        )
        answer = await seeded(PATCH_EVENT, {"id": target, "input": patch}, token=chau)
        assert only_error(answer)["extensions"] == expected, case
    assert await content_rows(seeded) == before


async def test_patching_a_saved_event_s_dates_tells_those_who_saved_it(seeded: Any) -> None:
    chau = await make_tourism_staff(seeded, CHAU)
    an = await token(seeded, AN)
    night = event_gid("dem-hoang-cung-2026")
    data(await seeded(ADD_FAVOURITE, {"input": {"eventId": night}}, token=an))
    status = {"status": "POSTPONED"}
    kept = data(await seeded(PATCH_EVENT, {"id": night, "input": status}, token=chau))
    assert kept["patchEvent"] == {
        "id": night,
        "slug": "dem-hoang-cung-2026",
        "status": "POSTPONED",
        "startDate": "2026-06-12T12:00:00+00:00",
        "endDate": "2026-06-12T14:30:00+00:00",
        "name": {"text": "Đêm Hoàng cung"},
        "superEvent": {"slug": "festival-2026-week"},
        "venue": {"slug": "dai-noi"},
    }
    moved = {"startDate": "2026-06-13T19:00:00+07:00", "endDate": "2026-06-13T21:30:00+07:00"}
    event = data(await seeded(PATCH_EVENT, {"id": night, "input": moved}, token=chau))
    assert event["patchEvent"]["status"] == "POSTPONED"
    assert event["patchEvent"]["startDate"] == "2026-06-13T12:00:00+00:00"
    assert event["patchEvent"]["venue"] == {"slug": "dai-noi"}
    statement = select(Notification).where(Notification.type == "event.rescheduled")
    async with seeded.sessions() as session:
        pushed = list((await session.scalars(statement)).all())
    assert [push.user_id for push in pushed] == [stable_id("user", AN)]
    # No venue any more: the event has no position either.
    data(await seeded(PATCH_EVENT, {"id": night, "input": {"venue": None}}, token=chau))
    async with seeded.sessions() as session:
        located = text("SELECT venue_id, location FROM tourism_events WHERE slug = :slug")
        row = (await session.execute(located, {"slug": "dem-hoang-cung-2026"})).one()
    assert tuple(row) == (None, None)


async def test_staff_list_what_is_not_published_newest_first(seeded: Any) -> None:
    chau = await make_tourism_staff(seeded, CHAU)
    an = await token(seeded, AN)
    empty = data(await seeded(UNPUBLISHED, {}, token=chau))["viewer"]["tourismUnpublished"]
    assert empty["edges"] == []
    withdrawn = {"id": event_gid("countdown-2027"), "published": False}
    data(await seeded(PUBLISH, withdrawn, token=chau))
    data(await seeded(CREATE_ATTRACTION, {"input": garden()}, token=chau))

    first = data(await seeded(UNPUBLISHED, {"first": 1}, token=chau))["viewer"]
    page = first["tourismUnpublished"]
    assert [edge["node"] for edge in page["edges"]] == [
        {"__typename": "Attraction", "slug": "nha-vuon-an-hien"}
    ]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = {"first": 1, "after": page["pageInfo"]["endCursor"]}
    page = data(await seeded(UNPUBLISHED, rest, token=chau))["viewer"]["tourismUnpublished"]
    assert [edge["node"] for edge in page["edges"]] == [
        {"__typename": "Event", "slug": "countdown-2027"}
    ]
    assert page["pageInfo"]["hasNextPage"] is False

    refused = only_error(await seeded(UNPUBLISHED, {}, token=an))
    assert refused["extensions"]["code"] == "FORBIDDEN"
    bad = only_error(await seeded(UNPUBLISHED, {"after": "x"}, token=chau))
    assert bad["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}

"""The Huế Festival as a tree of events (schema.org superEvent/subEvent): the festival, its four
seasons, each season's programme; parts paged earliest first, unpublished parts never shown."""

from __future__ import annotations

from typing import Any

from strawberry import relay

from backend.seed.demo import stable_id
from tests.support.graphql import data, only_error
from tests.tourism.conftest import OPERATIONS, names
from tests.tourism.test_staff import CHAU, PUBLISH, make_tourism_staff

EVENT = OPERATIONS["TourismEvent"]
EVENTS = OPERATIONS["TourismEvents"]
SEASONS = [
    "Spring: royal rituals",
    "Summer: Festival Week",
    "Autumn: lantern festival",
    "Winter: music and countdown",
]
# Each season's programme, as the festival's screen expands it.
SEASONS_WITH_PROGRAMME = """
query($from: DateTime!, $to: DateTime!, $festival: ID!) {
  events(from: $from, to: $to, superEvent: $festival) {
    edges { node {
      slug
      subEvents(first: 5) { edges { node { slug superEvent { slug } } } pageInfo { hasNextPage } }
    } }
  }
}
"""


def event_gid(slug: str) -> str:
    return str(relay.GlobalID("Event", str(stable_id("event", slug))))


async def test_the_festival_lists_its_seasons_in_pages(seeded: Any) -> None:
    festival = event_gid("festival-hue-2026")
    first = data(await seeded(EVENT, {"id": festival, "first": 2}, language="en"))["event"]
    assert first["name"]["text"] == "Huế Festival 2026"
    assert first["superEvent"] is None
    assert names(first["subEvents"]) == SEASONS[:2]
    assert first["subEvents"]["pageInfo"]["hasNextPage"] is True
    after = first["subEvents"]["pageInfo"]["endCursor"]
    rest = data(await seeded(EVENT, {"id": festival, "first": 2, "after": after}, language="en"))
    parts = rest["event"]["subEvents"]
    assert names(parts) == SEASONS[2:]
    assert parts["pageInfo"] == {
        "__typename": "PageInfo",
        "hasNextPage": False,
        "endCursor": parts["edges"][-1]["cursor"],
    }
    assert [edge["node"]["startDate"] for edge in parts["edges"]] == [
        "2026-06-30T17:00:00+00:00",  # 1 July 00:00 in Huế
        "2026-09-30T17:00:00+00:00",
    ]


async def test_a_season_lists_its_programme_and_knows_its_festival(seeded: Any) -> None:
    winter = data(await seeded(EVENT, {"id": event_gid("festival-2026-winter")}, language="en"))
    season = winter["event"]
    assert season["superEvent"]["name"]["text"] == "Huế Festival 2026"
    assert names(season["subEvents"]) == ["Winter music night", "New Year 2027 countdown"]
    assert {edge["node"]["venue"]["name"]["text"] for edge in season["subEvents"]["edges"]} == {
        "Meridian Gate"
    }
    show = season["subEvents"]["edges"][0]["node"]
    night = data(await seeded(EVENT, {"id": show["id"]}, language="en"))["event"]
    assert night["superEvent"]["id"] == event_gid("festival-2026-winter")
    assert night["subEvents"]["edges"] == []


async def test_every_season_programme_in_one_statement(seeded: Any) -> None:
    variables = {
        "from": "2026-01-01T00:00:00+07:00",
        "to": "2027-01-01T00:00:00+07:00",
        "festival": event_gid("festival-hue-2026"),
    }
    seeded.sql.clear()
    seasons = data(await seeded(SEASONS_WITH_PROGRAMME, variables))["events"]["edges"]
    # The seasons; every season's programme; every programme's seasons (by id).
    assert seeded.sql.count == 3, seeded.sql.statements
    programme = {
        season["node"]["slug"]: [
            part["node"]["slug"] for part in season["node"]["subEvents"]["edges"]
        ]
        for season in seasons
    }
    assert programme == {
        "festival-2026-spring": ["le-te-nam-giao-2026"],
        "festival-2026-week": ["dem-hoang-cung-2026"],
        "festival-2026-autumn": ["den-long-song-huong-2026"],
        "festival-2026-winter": ["dem-nhac-mua-dong-2026", "countdown-2027"],
    }
    for season in seasons:
        for part in season["node"]["subEvents"]["edges"]:
            assert part["node"]["superEvent"]["slug"] == season["node"]["slug"]


async def test_a_withdrawn_part_leaves_the_programme(seeded: Any) -> None:
    chau = await make_tourism_staff(seeded, CHAU)
    winter = {"id": event_gid("festival-2026-winter")}
    shown = data(await seeded(EVENT, winter, language="en"))["event"]["subEvents"]
    assert len(shown["edges"]) == 2
    withdrawn = {"id": event_gid("dem-nhac-mua-dong-2026"), "published": False}
    data(await seeded(PUBLISH, withdrawn, token=chau))
    shown = data(await seeded(EVENT, winter, language="en"))["event"]["subEvents"]
    assert names(shown) == ["New Year 2027 countdown"]


async def test_bad_pages_of_parts_are_refused_with_a_code(seeded: Any) -> None:
    festival = event_gid("festival-hue-2026")
    listed = await seeded(
        EVENTS, {"from": "2026-01-01T00:00:00+07:00", "to": "2026-12-31T00:00:00+07:00"}
    )
    other_list = data(listed)["events"]["pageInfo"]["endCursor"]
    for variables in ({"first": 0}, {"first": 101}, {"after": other_list}, {"after": "x"}):
        refused = only_error(await seeded(EVENT, {"id": festival, **variables}))
        assert refused["extensions"]["code"] == "BAD_USER_INPUT", variables
        assert refused["extensions"]["field"] in {"first", "after"}
